package vn.healthbook.app.vaccination

import androidx.compose.foundation.layout.Arrangement
import androidx.compose.foundation.layout.Column
import androidx.compose.foundation.layout.ExperimentalLayoutApi
import androidx.compose.foundation.layout.FlowRow
import androidx.compose.foundation.layout.fillMaxSize
import androidx.compose.foundation.layout.fillMaxWidth
import androidx.compose.foundation.layout.padding
import androidx.compose.foundation.lazy.LazyColumn
import androidx.compose.foundation.lazy.items
import androidx.compose.material3.Card
import androidx.compose.material3.FilterChip
import androidx.compose.material3.MaterialTheme
import androidx.compose.material3.OutlinedButton
import androidx.compose.material3.Tab
import androidx.compose.material3.TabRow
import androidx.compose.material3.Text
import androidx.compose.runtime.Composable
import androidx.compose.runtime.LaunchedEffect
import androidx.compose.runtime.getValue
import androidx.compose.runtime.mutableIntStateOf
import androidx.compose.runtime.mutableStateOf
import androidx.compose.runtime.remember
import androidx.compose.runtime.saveable.rememberSaveable
import androidx.compose.runtime.setValue
import androidx.compose.ui.Modifier
import androidx.compose.ui.graphics.Color
import androidx.compose.ui.res.stringResource
import androidx.compose.ui.unit.dp
import androidx.lifecycle.compose.collectAsStateWithLifecycle
import androidx.lifecycle.viewmodel.compose.viewModel
import java.time.ZoneId
import java.time.format.DateTimeFormatter
import java.time.format.FormatStyle
import java.util.UUID
import vn.healthbook.app.R
import vn.healthbook.app.certificates.CertificatesScreen
import vn.healthbook.app.ui.common.messageString
import vn.healthbook.core.DueLine
import vn.healthbook.core.HealthBookClient
import vn.healthbook.domain.BookEntry
import vn.healthbook.domain.EntryBody
import vn.healthbook.domain.EntryStatus
import vn.healthbook.domain.StaffRole
import vn.healthbook.domain.Standing

private val instants = DateTimeFormatter.ofLocalizedDateTime(FormatStyle.SHORT).withZone(ZoneId.systemDefault())
private val days = DateTimeFormatter.ofLocalizedDate(FormatStyle.MEDIUM)

/**
 * Vaccinations: the family's due list and doses, the sessions to register for, the
 * certificates beside them, and — for a vaccinator — the day's work at their facility.
 */
@Composable
fun VaccinationTab(core: HealthBookClient, onSignedOut: () -> Unit) {
    var page by rememberSaveable { mutableIntStateOf(0) }
    var station by remember { mutableStateOf<UUID?>(null) }
    LaunchedEffect(core) {
        station = runCatching { core.offline().me() }.getOrNull()?.roles
            ?.firstOrNull { it.role == StaffRole.VACCINATOR }?.facilityId
    }
    Column(Modifier.fillMaxSize()) {
        TabRow(selectedTabIndex = page) {
            Tab(page == 0, { page = 0 }, text = { Text(stringResource(R.string.vaccination_due_tab)) })
            Tab(page == 1, { page = 1 }, text = { Text(stringResource(R.string.vaccination_sessions_tab)) })
            Tab(page == 2, { page = 2 }, text = { Text(stringResource(R.string.tab_certificates)) })
            if (station != null) Tab(page == 3, { page = 3 }, text = { Text(stringResource(R.string.vaccination_vaccinator_tab)) })
        }
        val facility = station
        when {
            page == 0 -> DueScreen(core, onSignedOut)
            page == 1 -> SessionsScreen(core, onSignedOut)
            page == 3 && facility != null -> VaccinatorScreen(core, facility, onSignedOut)
            else -> CertificatesScreen(core)
        }
    }
}

@OptIn(ExperimentalLayoutApi::class)
@Composable
private fun DueScreen(core: HealthBookClient, onSignedOut: () -> Unit) {
    val model: VaccinationViewModel = viewModel { VaccinationViewModel(core) }
    val state by model.state.collectAsStateWithLifecycle()
    LaunchedEffect(state.signedOut) { if (state.signedOut) onSignedOut() }
    val person = state.person
    LazyColumn(Modifier.fillMaxSize().padding(horizontal = 16.dp), verticalArrangement = Arrangement.spacedBy(12.dp)) {
        item {
            Column(Modifier.padding(top = 16.dp), verticalArrangement = Arrangement.spacedBy(8.dp)) {
                Text(stringResource(R.string.vaccination_title), style = MaterialTheme.typography.headlineSmall)
                if (state.offline && person != null) {
                    Text(stringResource(R.string.book_offline_since, instants.format(person.syncedAt)), color = MaterialTheme.colorScheme.tertiary)
                }
                state.message?.let { Text(messageString(it), color = MaterialTheme.colorScheme.primary) }
                if (state.family.size > 1) {
                    FlowRow(horizontalArrangement = Arrangement.spacedBy(8.dp)) {
                        state.family.forEachIndexed { index, view ->
                            FilterChip(state.chosen == index, { model.choose(index) }, label = { Text(view.citizen.fullName) })
                        }
                    }
                }
                OutlinedButton(onClick = model::reload, enabled = !state.busy) { Text(stringResource(R.string.refresh)) }
            }
        }
        if (person == null) {
            item { Text(stringResource(if (state.busy) R.string.book_loading else R.string.book_none)) }
            return@LazyColumn
        }
        val (open, done) = person.lines.partition { it.due.standing !is Standing.Complete }
        item { Text(stringResource(R.string.vaccination_on, days.format(person.on)), style = MaterialTheme.typography.bodySmall) }
        items(open) { line -> DueCard(line) }
        if (done.isNotEmpty()) {
            item { Text(stringResource(R.string.vaccination_complete), style = MaterialTheme.typography.titleMedium) }
            items(done) { line -> DueCard(line) }
        }
        item { Text(stringResource(R.string.section_immunizations), style = MaterialTheme.typography.titleMedium) }
        if (person.doses.isEmpty()) item { Text(stringResource(R.string.book_section_empty)) }
        items(person.doses) { entry -> DoseRow(entry) }
    }
}

/** One disease: where the person stands, coloured by how urgent it is. */
@Composable
private fun DueCard(line: DueLine) {
    val colour = when (line.due.standing) {
        is Standing.Overdue -> MaterialTheme.colorScheme.error
        is Standing.Due -> MaterialTheme.colorScheme.primary
        is Standing.Contraindicated -> MaterialTheme.colorScheme.error
        else -> Color.Unspecified
    }
    Card(Modifier.fillMaxWidth()) {
        Column(Modifier.padding(16.dp), verticalArrangement = Arrangement.spacedBy(4.dp)) {
            Text(line.disease, style = MaterialTheme.typography.titleMedium)
            Text(line.standing, color = colour)
            line.warnings.forEach { Text(it, color = MaterialTheme.colorScheme.tertiary, style = MaterialTheme.typography.bodySmall) }
        }
    }
}

/** A dose of section III with who recorded it; a declaration waits for a health worker. */
@Composable
private fun DoseRow(entry: BookEntry) {
    val dose = (entry.body as? EntryBody.Immunization)?.v1 ?: return
    Column(verticalArrangement = Arrangement.spacedBy(2.dp)) {
        Text(listOfNotNull(dose.tradeName ?: dose.product, stringResource(R.string.vaccination_dose_number, dose.doseNumber.toInt())).joinToString(" · "))
        Text(days.format(dose.administeredOn), style = MaterialTheme.typography.bodySmall)
        val who = entry.provenance.facilityName ?: entry.provenance.authorName.orEmpty()
        when {
            entry.status == EntryStatus.ENTERED_IN_ERROR ->
                Text(stringResource(R.string.book_entered_in_error), color = MaterialTheme.colorScheme.error, style = MaterialTheme.typography.bodySmall)
            entry.provenance.selfReported ->
                Text(stringResource(R.string.vaccination_declared), color = MaterialTheme.colorScheme.tertiary, style = MaterialTheme.typography.bodySmall)
            else -> Text(stringResource(R.string.vaccination_given_by, who), style = MaterialTheme.typography.bodySmall)
        }
    }
}
