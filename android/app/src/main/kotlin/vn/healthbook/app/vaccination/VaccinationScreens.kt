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
import androidx.compose.foundation.rememberScrollState
import androidx.compose.foundation.selection.toggleable
import androidx.compose.foundation.verticalScroll
import androidx.compose.material3.AlertDialog
import androidx.compose.material3.Button
import androidx.compose.material3.Card
import androidx.compose.material3.Checkbox
import androidx.compose.material3.FilterChip
import androidx.compose.material3.MaterialTheme
import androidx.compose.material3.OutlinedButton
import androidx.compose.material3.Tab
import androidx.compose.material3.TabRow
import androidx.compose.material3.Text
import androidx.compose.material3.TextButton
import androidx.compose.runtime.Composable
import androidx.compose.runtime.LaunchedEffect
import androidx.compose.runtime.getValue
import androidx.compose.runtime.key
import androidx.compose.runtime.mutableIntStateOf
import androidx.compose.runtime.mutableStateOf
import androidx.compose.runtime.remember
import androidx.compose.runtime.saveable.rememberSaveable
import androidx.compose.runtime.setValue
import androidx.compose.ui.Alignment
import androidx.compose.ui.Modifier
import androidx.compose.ui.graphics.Color
import androidx.compose.ui.res.stringResource
import androidx.compose.ui.semantics.Role
import androidx.compose.ui.text.input.KeyboardType
import androidx.compose.ui.unit.dp
import androidx.lifecycle.compose.collectAsStateWithLifecycle
import androidx.lifecycle.viewmodel.compose.viewModel
import java.time.ZoneId
import java.time.format.DateTimeFormatter
import java.time.format.FormatStyle
import java.util.UUID
import vn.healthbook.app.R
import vn.healthbook.app.certificates.CertificatesScreen
import vn.healthbook.app.ui.common.FormField
import vn.healthbook.app.ui.common.MessageText
import vn.healthbook.app.ui.common.UiMessage
import vn.healthbook.app.ui.common.messageString
import vn.healthbook.core.DueLine
import vn.healthbook.core.HealthBookClient
import vn.healthbook.core.SymptomChoice
import vn.healthbook.domain.BookEntry
import vn.healthbook.domain.EntryBody
import vn.healthbook.domain.EntryStatus
import vn.healthbook.domain.Immunization
import vn.healthbook.domain.ReactionSeverity
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
        items(person.doses) { entry -> DoseRow(entry, onReport = { model.openReaction(entry) }) }
    }
    val reporting = state.reporting
    val dose = (reporting?.body as? EntryBody.Immunization)?.v1
    if (reporting != null && dose != null && person != null) {
        // Keyed by the dose: another dose's form starts empty.
        key(reporting.entryId) {
            ReactionDialog(
                dose = dose,
                today = person.on.toString(),
                symptoms = state.symptoms,
                problems = state.reactionProblems,
                message = state.reactionMessage,
                busy = state.busy,
                onDismiss = { model.openReaction(null) },
                onSend = model::reportReaction,
            )
        }
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

/**
 * A dose of section III with who recorded it; a declaration waits for a health worker. A dose
 * a health worker recorded, and that stands, is where a reaction to it is reported.
 */
@Composable
private fun DoseRow(entry: BookEntry, onReport: () -> Unit) {
    val dose = (entry.body as? EntryBody.Immunization)?.v1 ?: return
    Column(verticalArrangement = Arrangement.spacedBy(2.dp)) {
        Text(doseName(dose))
        Text(days.format(dose.administeredOn), style = MaterialTheme.typography.bodySmall)
        val who = entry.provenance.facilityName ?: entry.provenance.authorName.orEmpty()
        when {
            entry.status == EntryStatus.ENTERED_IN_ERROR ->
                Text(stringResource(R.string.book_entered_in_error), color = MaterialTheme.colorScheme.error, style = MaterialTheme.typography.bodySmall)
            entry.provenance.selfReported ->
                Text(stringResource(R.string.vaccination_declared), color = MaterialTheme.colorScheme.tertiary, style = MaterialTheme.typography.bodySmall)
            else -> {
                Text(stringResource(R.string.vaccination_given_by, who), style = MaterialTheme.typography.bodySmall)
                TextButton(onClick = onReport) { Text(stringResource(R.string.reaction_report)) }
            }
        }
    }
}

@Composable
private fun doseName(dose: Immunization): String =
    listOfNotNull(dose.tradeName ?: dose.product, stringResource(R.string.vaccination_dose_number, dose.doseNumber.toInt())).joinToString(" · ")

/** A checkbox with its words, the whole row tappable. */
@Composable
private fun CheckRow(label: String, checked: Boolean, onChange: (Boolean) -> Unit) {
    Row(
        Modifier.fillMaxWidth().toggleable(checked, role = Role.Checkbox, onValueChange = onChange),
        verticalAlignment = Alignment.CenterVertically,
    ) {
        Checkbox(checked = checked, onCheckedChange = null)
        Text(label, Modifier.padding(start = 8.dp))
    }
}

/**
 * The report of a reaction to one dose: when it began, the symptoms from the core's list,
 * how bad, WHO's serious criteria, a note. The core reads the date; the server decides
 * seriousness.
 */
@OptIn(ExperimentalLayoutApi::class)
@Composable
private fun ReactionDialog(
    dose: Immunization,
    today: String,
    symptoms: List<SymptomChoice>,
    problems: Map<String, String>,
    message: UiMessage?,
    busy: Boolean,
    onDismiss: () -> Unit,
    onSend: (ReactionForm) -> Unit,
) {
    var form by remember { mutableStateOf(ReactionForm(onset = today)) }
    AlertDialog(
        onDismissRequest = onDismiss,
        title = { Text(stringResource(R.string.reaction_title)) },
        text = {
            Column(Modifier.verticalScroll(rememberScrollState()), verticalArrangement = Arrangement.spacedBy(8.dp)) {
                Text("${doseName(dose)} · ${days.format(dose.administeredOn)}", style = MaterialTheme.typography.titleSmall)
                MessageText(message)
                FormField(form.onset, { form = form.copy(onset = it) }, stringResource(R.string.reaction_onset), problems["onset_on"], KeyboardType.Number)
                Text(stringResource(R.string.reaction_symptoms), style = MaterialTheme.typography.titleSmall)
                problems["symptoms"]?.let { Text(it, color = MaterialTheme.colorScheme.error, style = MaterialTheme.typography.bodySmall) }
                symptoms.forEach { symptom ->
                    CheckRow(symptom.name, symptom.code in form.symptoms) { on ->
                        form = form.copy(symptoms = if (on) form.symptoms + symptom.code else form.symptoms - symptom.code)
                    }
                }
                Text(stringResource(R.string.reaction_severity), style = MaterialTheme.typography.titleSmall)
                FlowRow(horizontalArrangement = Arrangement.spacedBy(8.dp)) {
                    listOf(
                        ReactionSeverity.MILD to R.string.reaction_severity_mild,
                        ReactionSeverity.MODERATE to R.string.reaction_severity_moderate,
                        ReactionSeverity.SEVERE to R.string.reaction_severity_severe,
                    ).forEach { (value, label) ->
                        FilterChip(form.severity == value, { form = form.copy(severity = value) }, label = { Text(stringResource(label)) })
                    }
                }
                Text(stringResource(R.string.reaction_serious), style = MaterialTheme.typography.titleSmall)
                val flags = form.serious
                CheckRow(stringResource(R.string.reaction_hospitalised), flags.hospitalised) { form = form.copy(serious = flags.copy(hospitalised = it)) }
                CheckRow(stringResource(R.string.reaction_life_threatening), flags.lifeThreatening) { form = form.copy(serious = flags.copy(lifeThreatening = it)) }
                CheckRow(stringResource(R.string.reaction_death), flags.death) { form = form.copy(serious = flags.copy(death = it)) }
                FormField(form.note, { form = form.copy(note = it) }, stringResource(R.string.reaction_note), problems["note"], singleLine = false)
            }
        },
        confirmButton = {
            Button(onClick = { onSend(form) }, enabled = !busy && form.symptoms.isNotEmpty()) { Text(stringResource(R.string.reaction_send)) }
        },
        dismissButton = { TextButton(onClick = onDismiss) { Text(stringResource(R.string.cancel)) } },
    )
}
