package vn.healthbook.app.vaccination

import androidx.compose.foundation.layout.Arrangement
import androidx.compose.foundation.layout.Column
import androidx.compose.foundation.layout.ExperimentalLayoutApi
import androidx.compose.foundation.layout.FlowRow
import androidx.compose.foundation.layout.Row
import androidx.compose.foundation.layout.fillMaxSize
import androidx.compose.foundation.layout.fillMaxWidth
import androidx.compose.foundation.layout.padding
import androidx.compose.foundation.lazy.LazyColumn
import androidx.compose.foundation.lazy.items
import androidx.compose.material3.Button
import androidx.compose.material3.Card
import androidx.compose.material3.FilterChip
import androidx.compose.material3.MaterialTheme
import androidx.compose.material3.OutlinedButton
import androidx.compose.material3.OutlinedTextField
import androidx.compose.material3.Text
import androidx.compose.runtime.Composable
import androidx.compose.runtime.LaunchedEffect
import androidx.compose.runtime.getValue
import androidx.compose.runtime.mutableStateOf
import androidx.compose.runtime.saveable.rememberSaveable
import androidx.compose.runtime.setValue
import androidx.compose.ui.Alignment
import androidx.compose.ui.Modifier
import androidx.compose.ui.platform.LocalContext
import androidx.compose.ui.res.stringResource
import androidx.compose.ui.unit.dp
import androidx.lifecycle.compose.collectAsStateWithLifecycle
import androidx.lifecycle.viewmodel.compose.viewModel
import java.time.format.DateTimeFormatter
import java.time.format.FormatStyle
import java.util.UUID
import vn.healthbook.app.R
import vn.healthbook.app.platform.GmsQrScanner
import vn.healthbook.app.ui.common.messageString
import vn.healthbook.core.HealthBookClient
import vn.healthbook.core.OfflineAction
import vn.healthbook.domain.ScreeningGroup
import vn.healthbook.domain.Standing

private val days = DateTimeFormatter.ofLocalizedDate(FormatStyle.MEDIUM)

/**
 * The vaccinator's screen: prepare the day, scan the appointment QR, the checklist, the due
 * antigens, the lot, record — "queued, will sync" at a site without network — and the doses
 * waiting to be sent with the ones the server refused.
 */
@OptIn(ExperimentalLayoutApi::class)
@Composable
fun VaccinatorScreen(core: HealthBookClient, facilityId: UUID, onSignedOut: () -> Unit) {
    val context = LocalContext.current
    val model: VaccinatorViewModel = viewModel(key = facilityId.toString()) {
        VaccinatorViewModel(core, facilityId, GmsQrScanner(context.applicationContext))
    }
    val state by model.state.collectAsStateWithLifecycle()
    LaunchedEffect(state.signedOut) { if (state.signedOut) onSignedOut() }
    var code by rememberSaveable { mutableStateOf("") }
    LazyColumn(Modifier.fillMaxSize().padding(horizontal = 16.dp), verticalArrangement = Arrangement.spacedBy(12.dp)) {
        item {
            Column(Modifier.padding(top = 16.dp), verticalArrangement = Arrangement.spacedBy(8.dp)) {
                Text(stringResource(R.string.vaccinator_title), style = MaterialTheme.typography.headlineSmall)
                state.message?.let { Text(messageString(it), color = MaterialTheme.colorScheme.primary) }
                val day = state.day
                Text(
                    if (day == null) stringResource(R.string.vaccinator_day_none)
                    else stringResource(R.string.vaccinator_day, days.format(day.date), day.appointments.size),
                    style = MaterialTheme.typography.bodySmall,
                )
                OutlinedButton(onClick = model::prepareDay, enabled = !state.busy) { Text(stringResource(R.string.vaccinator_prepare)) }
                Row(horizontalArrangement = Arrangement.spacedBy(8.dp), verticalAlignment = Alignment.CenterVertically) {
                    Button(onClick = model::scan, enabled = !state.busy) { Text(stringResource(R.string.vaccinator_scan)) }
                    OutlinedTextField(code, { code = it }, Modifier.weight(1f), label = { Text(stringResource(R.string.vaccinator_code)) }, singleLine = true)
                    OutlinedButton(onClick = { model.typed(code) }, enabled = !state.busy && code.isNotBlank()) { Text(stringResource(R.string.vaccinator_open)) }
                }
            }
        }
        val visit = state.visit
        if (visit != null) {
            item {
                Card(Modifier.fillMaxWidth()) {
                    Column(Modifier.padding(16.dp), verticalArrangement = Arrangement.spacedBy(4.dp)) {
                        Text(visit.appointment.citizenName, style = MaterialTheme.typography.titleMedium)
                        Text(listOfNotNull(visit.appointment.vaccine, visit.appointment.code).joinToString(" · "))
                        if (visit.fromCache) Text(stringResource(R.string.vaccinator_from_copy), color = MaterialTheme.colorScheme.tertiary)
                    }
                }
            }
            item { Text(stringResource(R.string.vaccinator_due), style = MaterialTheme.typography.titleMedium) }
            // The book's lines when it was read, else those of the day's session targets.
            val lines = visit.due?.lines ?: visit.dueAntigens
            if (lines.isEmpty()) {
                item { Text(stringResource(R.string.vaccinator_due_unknown)) }
            } else {
                items(lines.filter { it.due.standing !is Standing.Complete }) { line ->
                    Text("${line.disease}: ${line.standing}")
                }
            }
            item {
                Column(verticalArrangement = Arrangement.spacedBy(8.dp)) {
                    Text(stringResource(R.string.vaccinator_screening), style = MaterialTheme.typography.titleMedium)
                    FlowRow(horizontalArrangement = Arrangement.spacedBy(8.dp)) {
                        ScreeningGroup.entries.forEach { group ->
                            FilterChip(state.group == group, { model.chooseGroup(group) }, label = { Text(groupName(group)) })
                        }
                    }
                    OutlinedTextField(
                        state.temperature, model::temperature, Modifier.fillMaxWidth(),
                        label = { Text(stringResource(R.string.vaccinator_temperature)) }, singleLine = true,
                    )
                }
            }
            items(state.questions.filter { it.item != "temperature" }) { question ->
                Column(verticalArrangement = Arrangement.spacedBy(4.dp)) {
                    Text(question.question)
                    Row(horizontalArrangement = Arrangement.spacedBy(8.dp)) {
                        FilterChip(state.answers[question.item] == false, { model.answer(question.item, false) }, label = { Text(stringResource(R.string.no)) })
                        FilterChip(state.answers[question.item] == true, { model.answer(question.item, true) }, label = { Text(stringResource(R.string.yes)) })
                    }
                }
            }
            item { Text(stringResource(R.string.vaccinator_lot), style = MaterialTheme.typography.titleMedium) }
            if (visit.lots.isEmpty()) item { Text(stringResource(R.string.vaccinator_no_lot), color = MaterialTheme.colorScheme.error) }
            items(visit.lots) { lot ->
                FilterChip(
                    state.lotId == lot.lotId, { model.chooseLot(lot.lotId) },
                    label = { Text(stringResource(R.string.vaccinator_lot_line, lot.product, lot.lotNumber, days.format(lot.expiresOn), lot.doses)) },
                )
            }
            item {
                Column(verticalArrangement = Arrangement.spacedBy(8.dp)) {
                    OutlinedTextField(state.site, model::site, Modifier.fillMaxWidth(), label = { Text(stringResource(R.string.vaccinator_site)) }, singleLine = true)
                    Button(onClick = model::record, enabled = !state.busy && state.canRecord) { Text(stringResource(R.string.vaccinator_record)) }
                }
            }
        }
        item {
            Row(horizontalArrangement = Arrangement.spacedBy(8.dp), verticalAlignment = Alignment.CenterVertically) {
                Text(stringResource(R.string.vaccinator_pending, state.pending.size), style = MaterialTheme.typography.titleMedium)
                OutlinedButton(onClick = model::sync, enabled = !state.busy && state.pending.isNotEmpty()) { Text(stringResource(R.string.vaccinator_sync)) }
            }
        }
        items(state.pending) { pending ->
            val dose = pending.action as? OfflineAction.RecordDose ?: return@items
            Text(stringResource(R.string.vaccinator_pending_line, dose.citizenName.orEmpty(), dose.request.vaccine), style = MaterialTheme.typography.bodySmall)
        }
        if (state.conflicts.isNotEmpty()) {
            item { Text(stringResource(R.string.vaccinator_conflicts), style = MaterialTheme.typography.titleMedium, color = MaterialTheme.colorScheme.error) }
            items(state.conflicts) { line -> Text("${line.person}: ${line.message}", color = MaterialTheme.colorScheme.error) }
        }
    }
}

@Composable
private fun groupName(group: ScreeningGroup): String = stringResource(
    when (group) {
        ScreeningGroup.NEWBORN -> R.string.screening_newborn
        ScreeningGroup.CHILD -> R.string.screening_child
        ScreeningGroup.ADULT -> R.string.screening_adult
        ScreeningGroup.PREGNANT -> R.string.screening_pregnant
    },
)
