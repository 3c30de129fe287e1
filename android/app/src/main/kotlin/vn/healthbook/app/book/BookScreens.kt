// FlowRow lays out the chips of a choice; it is still marked experimental in this Compose.
@file:OptIn(ExperimentalLayoutApi::class)

package vn.healthbook.app.book

import android.net.Uri
import androidx.activity.compose.rememberLauncherForActivityResult
import androidx.activity.result.contract.ActivityResultContracts
import androidx.compose.foundation.Canvas
import androidx.compose.foundation.clickable
import androidx.compose.foundation.layout.Arrangement
import androidx.compose.foundation.layout.Column
import androidx.compose.foundation.layout.ExperimentalLayoutApi
import androidx.compose.foundation.layout.FlowRow
import androidx.compose.foundation.layout.Row
import androidx.compose.foundation.layout.fillMaxSize
import androidx.compose.foundation.layout.fillMaxWidth
import androidx.compose.foundation.layout.height
import androidx.compose.foundation.layout.padding
import androidx.compose.foundation.lazy.LazyColumn
import androidx.compose.foundation.lazy.items
import androidx.compose.material3.Button
import androidx.compose.material3.Card
import androidx.compose.material3.Checkbox
import androidx.compose.material3.FilterChip
import androidx.compose.material3.MaterialTheme
import androidx.compose.material3.OutlinedButton
import androidx.compose.material3.OutlinedTextField
import androidx.compose.material3.Text
import androidx.compose.material3.TextButton
import androidx.compose.runtime.Composable
import androidx.compose.runtime.LaunchedEffect
import androidx.compose.runtime.getValue
import androidx.compose.runtime.mutableStateOf
import androidx.compose.runtime.remember
import androidx.compose.runtime.setValue
import androidx.compose.ui.Alignment
import androidx.compose.ui.Modifier
import androidx.compose.ui.geometry.Offset
import androidx.compose.ui.graphics.Color
import androidx.compose.ui.graphics.Path
import androidx.compose.ui.graphics.drawscope.Stroke
import androidx.compose.ui.platform.LocalContext
import androidx.compose.ui.res.stringResource
import androidx.compose.ui.text.input.KeyboardType
import androidx.compose.ui.unit.dp
import androidx.lifecycle.compose.collectAsStateWithLifecycle
import androidx.lifecycle.viewmodel.compose.viewModel
import androidx.navigation.compose.NavHost
import androidx.navigation.compose.composable
import androidx.navigation.compose.rememberNavController
import java.time.Instant
import java.time.LocalDate
import java.time.ZoneId
import java.time.format.DateTimeFormatter
import java.time.format.FormatStyle
import vn.healthbook.app.R
import vn.healthbook.app.ui.common.FormField
import vn.healthbook.app.ui.common.messageString
import vn.healthbook.core.ChartPoint
import vn.healthbook.core.HealthBookClient
import vn.healthbook.core.readingUnits
import vn.healthbook.domain.Abo
import vn.healthbook.domain.Administrative
import vn.healthbook.domain.BloodGroup
import vn.healthbook.domain.BookEntry
import vn.healthbook.domain.Consent
import vn.healthbook.domain.ConsentStatus
import vn.healthbook.domain.EntryBody
import vn.healthbook.domain.EntryStatus
import vn.healthbook.domain.Observation
import vn.healthbook.domain.ObservationKind
import vn.healthbook.domain.Purpose
import vn.healthbook.domain.Rh
import vn.healthbook.domain.Section

private val instants = DateTimeFormatter.ofLocalizedDateTime(FormatStyle.SHORT).withZone(ZoneId.systemDefault())
private val dates = DateTimeFormatter.ofLocalizedDate(FormatStyle.MEDIUM)
private val days = DateTimeFormatter.ofLocalizedDate(FormatStyle.MEDIUM)

private object BookRoutes {
    const val OVERVIEW = "overview"
    const val PROFILE = "profile"
    const val HISTORY = "history"
    const val VISITS = "visits"
    const val VISIT = "visit"
    const val READINGS = "readings"
    const val CONSENTS = "consents"
    const val GRANT = "grant"
    const val LOG = "log"
}

/** The health-book tab: the book by section, for oneself or a dependent, and who saw it. */
@Composable
fun BookTab(core: HealthBookClient, onSignedOut: () -> Unit) {
    val model = viewModel { BookViewModel(core) }
    val state by model.state.collectAsStateWithLifecycle()
    val nav = rememberNavController()
    LaunchedEffect(state.signedOut) { if (state.signedOut) onSignedOut() }
    val back: () -> Unit = { nav.popBackStack() }
    NavHost(nav, startDestination = BookRoutes.OVERVIEW) {
        composable(BookRoutes.OVERVIEW) { OverviewScreen(state, model, open = { nav.navigate(it) }) }
        composable(BookRoutes.PROFILE) { ProfileScreen(state, model, back) }
        composable(BookRoutes.HISTORY) {
            HistoryScreen(state, onAdd = { form -> model.clearProblems(); nav.navigate(form.route) })
        }
        HistoryForm.entries.forEach { form -> composable(form.route) { HistoryFormScreen(form, state, model, back) } }
        composable(BookRoutes.VISITS) {
            VisitsScreen(
                state,
                onOpen = { model.openVisit(it); nav.navigate(BookRoutes.VISIT) },
                onBookFollowUp = model::bookFollowUp,
            )
        }
        composable(BookRoutes.VISIT) { VisitScreen(state, model) }
        composable(BookRoutes.READINGS) { ReadingsScreen(state, model) }
        composable(BookRoutes.CONSENTS) {
            LaunchedEffect(state.owner) { model.loadConsents() }
            ConsentsScreen(state, model, onGrant = { nav.navigate(BookRoutes.GRANT) })
        }
        composable(BookRoutes.GRANT) { GrantScreen(state, model, back) }
        composable(BookRoutes.LOG) {
            LaunchedEffect(state.owner) { model.loadLog() }
            AccessLogScreen(state, model)
        }
    }
}

@Composable
internal fun Header(title: String, state: BookState) {
    Column(Modifier.padding(top = 24.dp), verticalArrangement = Arrangement.spacedBy(8.dp)) {
        Text(title, style = MaterialTheme.typography.headlineSmall)
        if (state.offline) {
            val synced = state.book?.syncedAt?.let { instants.format(it) }
            Text(
                synced?.let { stringResource(R.string.book_offline_since, it) } ?: stringResource(R.string.home_offline),
                color = MaterialTheme.colorScheme.tertiary,
            )
        }
        state.message?.let { Text(messageString(it), color = MaterialTheme.colorScheme.primary) }
    }
}

@Composable
private fun OverviewScreen(state: BookState, model: BookViewModel, open: (String) -> Unit) {
    val book = state.book
    val context = LocalContext.current
    var pdf by remember { mutableStateOf<ByteArray?>(null) }
    val saver = rememberLauncherForActivityResult(ActivityResultContracts.CreateDocument("application/pdf")) { uri: Uri? ->
        val bytes = pdf
        if (uri != null && bytes != null) context.contentResolver.openOutputStream(uri)?.use { it.write(bytes) }
        pdf = null
    }
    LazyColumn(Modifier.fillMaxSize().padding(horizontal = 16.dp), verticalArrangement = Arrangement.spacedBy(12.dp)) {
        item {
            Header(stringResource(R.string.book_title), state)
            if (state.owners.size > 1) {
                FlowRow(horizontalArrangement = Arrangement.spacedBy(8.dp)) {
                    state.owners.forEach { owner ->
                        FilterChip(state.owner == owner, { model.chooseOwner(owner) }, label = { Text(owner.fullName) })
                    }
                }
            }
            Row(horizontalArrangement = Arrangement.spacedBy(8.dp)) {
                OutlinedButton(onClick = model::reload, enabled = !state.busy) { Text(stringResource(R.string.refresh)) }
                OutlinedButton(onClick = { model.bookPdf { bytes -> pdf = bytes; saver.launch("so-suc-khoe.pdf") } }, enabled = !state.busy && !state.offline) {
                    Text(stringResource(R.string.book_download_pdf))
                }
            }
        }
        state.conflict?.let { newer -> item { ConflictCard(newer, onReview = { open(BookRoutes.PROFILE) }) } }
        if (book == null) {
            item { Text(stringResource(if (state.busy) R.string.book_loading else R.string.book_none)) }
            return@LazyColumn
        }
        if (book.pending.isNotEmpty()) {
            item { Text(stringResource(R.string.book_pending, book.pending.size), color = MaterialTheme.colorScheme.tertiary) }
        }
        item {
            SectionCard(stringResource(R.string.section_administrative), profileSummary(book.administrative), { open(BookRoutes.PROFILE) })
        }
        item { SectionCard(stringResource(R.string.section_history), countOf(book.history.size), { open(BookRoutes.HISTORY) }) }
        item { SectionCard(stringResource(R.string.section_immunizations), countOf(book.immunizations.size), null) }
        item { SectionCard(stringResource(R.string.section_visits), countOf(book.visits.size), { open(BookRoutes.VISITS) }) }
        item { SectionCard(stringResource(R.string.section_readings), countOf(book.readings.size), { open(BookRoutes.READINGS) }) }
        item { SectionCard(stringResource(R.string.consents_title), stringResource(R.string.consents_summary), { open(BookRoutes.CONSENTS) }) }
        item { SectionCard(stringResource(R.string.access_log_title), stringResource(R.string.access_log_summary), { open(BookRoutes.LOG) }) }
    }
}

@Composable
private fun countOf(count: Int): String =
    if (count == 0) stringResource(R.string.book_section_empty) else stringResource(R.string.book_entries_count, count)

@Composable
private fun profileSummary(entry: BookEntry?): String {
    val section = (entry?.body as? EntryBody.Administrative)?.v1 ?: return stringResource(R.string.book_section_empty)
    val blood = section.bloodGroup?.let { "${it.abo.name}${if (it.rh == Rh.POSITIVE) "+" else "−"}" }
    return listOfNotNull(blood, section.insuranceNumber, section.phone).joinToString(" · ").ifEmpty { stringResource(R.string.book_section_empty) }
}

@Composable
private fun SectionCard(title: String, summary: String, onOpen: (() -> Unit)?) {
    Card(Modifier.fillMaxWidth().let { if (onOpen != null) it.clickable { onOpen() } else it }) {
        Column(Modifier.padding(16.dp), verticalArrangement = Arrangement.spacedBy(4.dp)) {
            Text(title, style = MaterialTheme.typography.titleMedium)
            Text(summary, style = MaterialTheme.typography.bodyMedium)
        }
    }
}

@Composable
private fun ConflictCard(newer: BookEntry, onReview: () -> Unit) {
    Card(Modifier.fillMaxWidth()) {
        Column(Modifier.padding(16.dp), verticalArrangement = Arrangement.spacedBy(4.dp)) {
            Text(stringResource(R.string.book_conflict), color = MaterialTheme.colorScheme.error)
            Text(stringResource(R.string.book_conflict_by, newer.provenance.authorName.orEmpty(), instants.format(newer.provenance.recordedAt)))
            TextButton(onClick = onReview) { Text(stringResource(R.string.book_conflict_review)) }
        }
    }
}

/** Who wrote an entry and when: the source is shown on every entry of the book. */
@Composable
internal fun Provenance(entry: BookEntry) {
    val who = entry.provenance.facilityName ?: entry.provenance.authorName.orEmpty()
    val key = if (entry.provenance.selfReported) R.string.book_self_reported else R.string.book_recorded_by
    Text(stringResource(key, who, instants.format(entry.provenance.recordedAt)), style = MaterialTheme.typography.bodySmall)
    if (entry.status == EntryStatus.ENTERED_IN_ERROR) {
        Text(stringResource(R.string.book_entered_in_error), color = MaterialTheme.colorScheme.error, style = MaterialTheme.typography.bodySmall)
    }
}

@Composable
private fun ProfileScreen(state: BookState, model: BookViewModel, onDone: () -> Unit) {
    val current = state.book?.administrativeDraft
        ?: (state.book?.administrative?.body as? EntryBody.Administrative)?.v1
        ?: Administrative(null, null, null, null, null, null, null, null, null, null, null, emptyList(), emptyList(), null)
    var abo by remember(current) { mutableStateOf(current.bloodGroup?.abo) }
    var rh by remember(current) { mutableStateOf(current.bloodGroup?.rh ?: Rh.POSITIVE) }
    var ethnicity by remember(current) { mutableStateOf(current.ethnicity.orEmpty()) }
    var occupation by remember(current) { mutableStateOf(current.occupation.orEmpty()) }
    var insurance by remember(current) { mutableStateOf(current.insuranceNumber.orEmpty()) }
    var household by remember(current) { mutableStateOf(current.householdCode.orEmpty()) }
    var phone by remember(current) { mutableStateOf(current.phone.orEmpty()) }
    val edited = current.copy(
        bloodGroup = abo?.let { BloodGroup(it, rh) },
        ethnicity = ethnicity.ifBlank { null },
        occupation = occupation.ifBlank { null },
        insuranceNumber = insurance.ifBlank { null },
        householdCode = household.ifBlank { null },
        phone = phone.ifBlank { null },
        reviewedOn = LocalDate.now(),
    )
    LazyColumn(Modifier.fillMaxSize().padding(horizontal = 16.dp), verticalArrangement = Arrangement.spacedBy(8.dp)) {
        item { Header(stringResource(R.string.section_administrative), state) }
        state.conflict?.let { newer ->
            item {
                Text(stringResource(R.string.book_conflict_newer), color = MaterialTheme.colorScheme.error)
                Text(profileSummary(newer))
                Text(stringResource(R.string.book_conflict_redo))
            }
        }
        item {
            Text(stringResource(R.string.profile_blood_group), style = MaterialTheme.typography.titleSmall)
            FlowRow(horizontalArrangement = Arrangement.spacedBy(8.dp)) {
                Abo.entries.forEach { group -> FilterChip(abo == group, { abo = group }, label = { Text(group.name) }) }
                FilterChip(rh == Rh.POSITIVE, { rh = Rh.POSITIVE }, label = { Text("Rh+") })
                FilterChip(rh == Rh.NEGATIVE, { rh = Rh.NEGATIVE }, label = { Text("Rh−") })
            }
        }
        item { FormField(ethnicity, { ethnicity = it }, stringResource(R.string.profile_ethnicity), state.problems["ethnicity"]) }
        item { FormField(occupation, { occupation = it }, stringResource(R.string.profile_occupation), state.problems["occupation"]) }
        item { FormField(insurance, { insurance = it }, stringResource(R.string.profile_insurance), state.problems["insurance_number"]) }
        item { FormField(household, { household = it }, stringResource(R.string.profile_household), state.problems["household_code"]) }
        item { FormField(phone, { phone = it }, stringResource(R.string.profile_phone), state.problems["phone"], KeyboardType.Phone) }
        item {
            Button(
                onClick = { if (model.check(EntryBody.Administrative(edited))) model.saveProfile(edited, onDone) },
                enabled = !state.busy,
                modifier = Modifier.fillMaxWidth(),
            ) { Text(stringResource(R.string.save)) }
        }
    }
}

/** A return a visit asked for: the day, the facility, and its first free slot to book in a tap. */
@Composable
private fun FollowUpCard(offer: FollowUpOffer, busy: Boolean, onBook: (FollowUpOffer) -> Unit) {
    val followUp = offer.followUp
    Card(Modifier.fillMaxWidth()) {
        Column(Modifier.padding(16.dp), verticalArrangement = Arrangement.spacedBy(4.dp)) {
            Text(stringResource(R.string.follow_up_title, dates.format(followUp.on)), style = MaterialTheme.typography.titleSmall)
            Text(followUp.facilityName ?: "")
            Text(followUp.reason, style = MaterialTheme.typography.bodySmall)
            val slot = offer.slot
            if (slot == null) {
                Text(stringResource(R.string.follow_up_no_slot))
            } else {
                Button(onClick = { onBook(offer) }, enabled = !busy) {
                    Text(stringResource(R.string.follow_up_book, dates.format(slot.date), slot.start))
                }
            }
        }
    }
}

@Composable
private fun VisitsScreen(state: BookState, onOpen: (BookEntry) -> Unit, onBookFollowUp: (FollowUpOffer) -> Unit) {
    LazyColumn(Modifier.fillMaxSize().padding(horizontal = 16.dp), verticalArrangement = Arrangement.spacedBy(8.dp)) {
        item { Header(stringResource(R.string.section_visits), state) }
        items(state.followUps, key = { "follow-up-" + it.followUp.entryId }) { offer ->
            FollowUpCard(offer, state.busy, onBookFollowUp)
        }
        val visits = state.book?.visits.orEmpty()
        if (visits.isEmpty()) item { Text(stringResource(R.string.book_section_empty)) }
        items(visits, key = { it.entryId }) { entry ->
            val visit = (entry.body as? EntryBody.Encounter)?.v1 ?: return@items
            Card(Modifier.fillMaxWidth().clickable { onOpen(entry) }) {
                Column(Modifier.padding(16.dp), verticalArrangement = Arrangement.spacedBy(4.dp)) {
                    Text(instants.format(visit.startedAt), style = MaterialTheme.typography.titleSmall)
                    Text(visit.reason)
                    visit.diagnoses.firstOrNull { it.primary }?.let { Text("${it.icd10} ${it.title.orEmpty()}") }
                    Provenance(entry)
                }
            }
        }
    }
}

@Composable
private fun VisitScreen(state: BookState, model: BookViewModel) {
    val entry = state.visit ?: return
    val visit = (entry.body as? EntryBody.Encounter)?.v1 ?: return
    val context = LocalContext.current
    var pdf by remember { mutableStateOf<ByteArray?>(null) }
    val saver = rememberLauncherForActivityResult(ActivityResultContracts.CreateDocument("application/pdf")) { uri: Uri? ->
        val bytes = pdf
        if (uri != null && bytes != null) context.contentResolver.openOutputStream(uri)?.use { it.write(bytes) }
        pdf = null
    }
    LazyColumn(Modifier.fillMaxSize().padding(horizontal = 16.dp), verticalArrangement = Arrangement.spacedBy(8.dp)) {
        item { Header(instants.format(visit.startedAt), state) }
        item { Provenance(entry) }
        item { Labelled(R.string.visit_reason, visit.reason) }
        visit.practitionerName?.let { item { Labelled(R.string.visit_practitioner, it) } }
        val vitals = visit.vitalSigns
        item {
            Labelled(
                R.string.visit_vitals,
                listOfNotNull(
                    vitals.pulse?.let { "${it.toInt()} /min" },
                    vitals.temperatureC?.let { "$it °C" },
                    if (vitals.systolic != null && vitals.diastolic != null) "${vitals.systolic?.toInt()}/${vitals.diastolic?.toInt()} mmHg" else null,
                    vitals.weightKg?.let { "$it kg" },
                    vitals.heightCm?.let { "$it cm" },
                    vitals.bmi?.let { "BMI $it" },
                ).joinToString(" · "),
            )
        }
        visit.findings?.let { item { Labelled(R.string.visit_findings, it) } }
        if (visit.diagnoses.isNotEmpty()) {
            item { Labelled(R.string.visit_diagnoses, visit.diagnoses.joinToString("\n") { "${it.icd10} ${it.title.orEmpty()}" }) }
        }
        if (visit.results.isNotEmpty()) {
            item { Labelled(R.string.visit_results, visit.results.joinToString("\n") { "${it.test}: ${it.value} ${it.unit.orEmpty()}" }) }
        }
        visit.treatment?.let { item { Labelled(R.string.visit_treatment, it) } }
        if (visit.prescriptions.isNotEmpty()) {
            item { Labelled(R.string.visit_prescriptions, visit.prescriptions.joinToString("\n") { "${it.medicine} — ${it.dosage}" }) }
        }
        visit.advice?.let { item { Labelled(R.string.visit_advice, it) } }
        visit.followUpOn?.let { item { Labelled(R.string.visit_follow_up, days.format(it)) } }
        item {
            Button(
                onClick = { model.visitPdf { bytes -> pdf = bytes; saver.launch("lan-kham.pdf") } },
                enabled = !state.busy && !state.offline,
                modifier = Modifier.fillMaxWidth(),
            ) { Text(stringResource(R.string.visit_download_pdf)) }
        }
    }
}

@Composable
private fun Labelled(label: Int, value: String) {
    Column {
        Text(stringResource(label), style = MaterialTheme.typography.labelLarge)
        Text(value)
    }
}

@Composable
private fun ReadingsScreen(state: BookState, model: BookViewModel) {
    var value by remember { mutableStateOf("") }
    var second by remember { mutableStateOf("") }
    val units = readingUnits(state.chartKind)
    var unit by remember(state.chartKind) { mutableStateOf(units.first()) }
    val pressure = state.chartKind == ObservationKind.BLOOD_PRESSURE
    LazyColumn(Modifier.fillMaxSize().padding(horizontal = 16.dp), verticalArrangement = Arrangement.spacedBy(8.dp)) {
        item { Header(stringResource(R.string.section_readings), state) }
        item {
            FlowRow(horizontalArrangement = Arrangement.spacedBy(8.dp)) {
                ObservationKind.entries.forEach { kind ->
                    FilterChip(state.chartKind == kind, { model.chartKind(kind) }, label = { Text(stringResource(readingLabel(kind))) })
                }
            }
        }
        item { ReadingChart(state.chart) }
        items(state.chart.reversed()) { point ->
            Text(
                "${instants.format(point.takenAt)} · ${point.value}${point.secondValue?.let { "/$it" }.orEmpty()} ${point.unit}" +
                    if (point.pending) " · ${stringResource(R.string.book_waiting)}" else "",
            )
        }
        item { Text(stringResource(R.string.readings_add), style = MaterialTheme.typography.titleMedium) }
        item {
            FormField(value, { value = it }, stringResource(if (pressure) R.string.readings_systolic else R.string.readings_value), state.problems["value"], KeyboardType.Decimal)
        }
        if (pressure) {
            item { FormField(second, { second = it }, stringResource(R.string.readings_diastolic), state.problems["second_value"], KeyboardType.Decimal) }
        }
        if (units.size > 1) {
            item { Row(horizontalArrangement = Arrangement.spacedBy(8.dp)) { units.forEach { u -> FilterChip(unit == u, { unit = u }, label = { Text(u) }) } } }
        }
        item {
            Button(onClick = {
                val reading = Observation(
                    kind = state.chartKind,
                    value = value.replace(',', '.').toDoubleOrNull() ?: Double.NaN,
                    secondValue = if (pressure) second.replace(',', '.').toDoubleOrNull() ?: Double.NaN else null,
                    unit = unit,
                    takenAt = Instant.now(),
                    note = null,
                )
                if (model.check(EntryBody.Observation(reading))) model.addReading(reading) { value = ""; second = "" }
            }, enabled = !state.busy, modifier = Modifier.fillMaxWidth()) { Text(stringResource(R.string.readings_save)) }
        }
    }
}

/** The series as lines, oldest on the left; the diastolic of a blood pressure as a second line. */
@Composable
private fun ReadingChart(points: List<ChartPoint>) {
    if (points.size < 2) {
        Text(stringResource(R.string.readings_chart_needs_two))
        return
    }
    val first = points.first().takenAt.epochSecond.toFloat()
    val span = (points.last().takenAt.epochSecond - points.first().takenAt.epochSecond).coerceAtLeast(1).toFloat()
    val values = points.flatMap { listOfNotNull(it.value, it.secondValue) }
    val low = values.min().toFloat()
    val high = values.max().toFloat().let { if (it == low) low + 1f else it }
    val main = MaterialTheme.colorScheme.primary
    val other = MaterialTheme.colorScheme.tertiary
    Canvas(Modifier.fillMaxWidth().height(180.dp)) {
        fun at(time: Instant, v: Double) = Offset(
            x = (time.epochSecond - first) / span * size.width,
            y = size.height - ((v.toFloat() - low) / (high - low)) * size.height,
        )
        fun line(select: (ChartPoint) -> Double?, color: Color) {
            val path = Path()
            points.mapNotNull { p -> select(p)?.let { at(p.takenAt, it) to p.pending } }.forEachIndexed { i, (o, pending) ->
                if (i == 0) path.moveTo(o.x, o.y) else path.lineTo(o.x, o.y)
                drawCircle(color, radius = if (pending) 4.dp.toPx() else 6.dp.toPx(), center = o, style = if (pending) Stroke(2.dp.toPx()) else androidx.compose.ui.graphics.drawscope.Fill)
            }
            drawPath(path, color, style = Stroke(2.dp.toPx()))
        }
        line({ it.value }, main)
        line({ it.secondValue }, other)
    }
}

private fun readingLabel(kind: ObservationKind) = when (kind) {
    ObservationKind.BLOOD_PRESSURE -> R.string.reading_blood_pressure
    ObservationKind.HEART_RATE -> R.string.reading_heart_rate
    ObservationKind.BODY_TEMPERATURE -> R.string.reading_temperature
    ObservationKind.OXYGEN_SATURATION -> R.string.reading_oxygen
    ObservationKind.BLOOD_GLUCOSE -> R.string.reading_glucose
    ObservationKind.BODY_WEIGHT -> R.string.reading_weight
    ObservationKind.BODY_HEIGHT -> R.string.reading_height
    ObservationKind.RESPIRATORY_RATE -> R.string.reading_respiratory_rate
    ObservationKind.WAIST_CIRCUMFERENCE -> R.string.reading_waist
}

@Composable
private fun ConsentsScreen(state: BookState, model: BookViewModel, onGrant: () -> Unit) {
    LazyColumn(Modifier.fillMaxSize().padding(horizontal = 16.dp), verticalArrangement = Arrangement.spacedBy(8.dp)) {
        item {
            Header(stringResource(R.string.consents_title), state)
            Button(onClick = onGrant, enabled = !state.offline) { Text(stringResource(R.string.consent_new)) }
        }
        if (state.consents.isEmpty()) item { Text(stringResource(R.string.consents_none)) }
        items(state.consents, key = { it.id }) { consent -> ConsentCard(consent, state.busy) { model.withdraw(consent) } }
    }
}

@Composable
private fun ConsentCard(consent: Consent, busy: Boolean, onWithdraw: () -> Unit) {
    var expanded by remember { mutableStateOf(false) }
    Card(Modifier.fillMaxWidth().clickable { expanded = !expanded }) {
        Column(Modifier.padding(16.dp), verticalArrangement = Arrangement.spacedBy(4.dp)) {
            Text(consent.facilityName, style = MaterialTheme.typography.titleSmall)
            consent.practitionerName?.let { Text(it) }
            Text(stringResource(R.string.consent_until, days.format(consent.validUntil), stringResource(purposeLabel(consent.purpose))))
            Text(stringResource(consentStatusLabel(consent.status)), style = MaterialTheme.typography.bodySmall)
            // The exact text agreed to, as the server recorded it.
            if (expanded) Text(consent.text, style = MaterialTheme.typography.bodySmall)
            if (consent.status == ConsentStatus.ACTIVE) {
                TextButton(onClick = onWithdraw, enabled = !busy) { Text(stringResource(R.string.consent_withdraw)) }
            }
        }
    }
}

@Composable
private fun GrantScreen(state: BookState, model: BookViewModel, onDone: () -> Unit) {
    var facility by remember { mutableStateOf<vn.healthbook.domain.Facility?>(null) }
    var practitioner by remember { mutableStateOf<vn.healthbook.domain.Practitioner?>(null) }
    var purpose by remember { mutableStateOf(Purpose.TREATMENT) }
    var sections by remember { mutableStateOf(setOf<Section>()) }
    var months by remember { mutableStateOf(1L) }
    val draft = state.draft
    LazyColumn(Modifier.fillMaxSize().padding(horizontal = 16.dp), verticalArrangement = Arrangement.spacedBy(8.dp)) {
        item { Header(stringResource(R.string.consent_new), state) }
        item {
            Row(verticalAlignment = Alignment.CenterVertically, horizontalArrangement = Arrangement.spacedBy(8.dp)) {
                OutlinedTextField(state.facilityText, model::facilityText, label = { Text(stringResource(R.string.consent_facility)) }, singleLine = true, modifier = Modifier.weight(1f))
                OutlinedButton(onClick = model::searchFacilities, enabled = !state.busy) { Text(stringResource(R.string.booking_search)) }
            }
        }
        items(state.facilities, key = { it.id }) { place ->
            FilterChip(facility?.id == place.id, {
                facility = place
                practitioner = null
                model.loadPractitioners(place)
            }, label = { Text(place.name) })
        }
        if (facility != null && state.practitioners.isNotEmpty()) {
            item {
                // Everyone of the facility who treats the person, or one named doctor only.
                Text(stringResource(R.string.consent_who), style = MaterialTheme.typography.titleSmall)
                FlowRow(horizontalArrangement = Arrangement.spacedBy(8.dp)) {
                    FilterChip(practitioner == null, { practitioner = null }, label = { Text(stringResource(R.string.consent_whole_facility)) })
                    state.practitioners.filter { it.signsIn }.forEach { p ->
                        FilterChip(practitioner?.id == p.id, { practitioner = p }, label = { Text(listOf(p.title, p.fullName).filter { it.isNotBlank() }.joinToString(" ")) })
                    }
                }
            }
        }
        item {
            Text(stringResource(R.string.consent_purpose), style = MaterialTheme.typography.titleSmall)
            FlowRow(horizontalArrangement = Arrangement.spacedBy(8.dp)) {
                Purpose.entries.forEach { p -> FilterChip(purpose == p, { purpose = p }, label = { Text(stringResource(purposeLabel(p))) }) }
            }
        }
        item {
            Text(stringResource(R.string.consent_sections), style = MaterialTheme.typography.titleSmall)
            FlowRow(horizontalArrangement = Arrangement.spacedBy(8.dp)) {
                Section.entries.forEach { s ->
                    FilterChip(s in sections, { sections = if (s in sections) sections - s else sections + s }, label = { Text(stringResource(sectionLabel(s))) })
                }
            }
            state.problems["sections"]?.let { Text(it, color = MaterialTheme.colorScheme.error) }
        }
        item {
            Text(stringResource(R.string.consent_duration), style = MaterialTheme.typography.titleSmall)
            Row(horizontalArrangement = Arrangement.spacedBy(8.dp)) {
                listOf(1L, 3L, 12L).forEach { m -> FilterChip(months == m, { months = m }, label = { Text(stringResource(R.string.consent_months, m.toInt())) }) }
            }
        }
        item {
            OutlinedButton(
                onClick = { facility?.let { model.prepareConsent(it, practitioner, purpose, sections.toList(), emptyList(), LocalDate.now().plusMonths(months)) } },
                enabled = facility != null && sections.isNotEmpty() && !state.busy,
                modifier = Modifier.fillMaxWidth(),
            ) { Text(stringResource(R.string.consent_show_text)) }
        }
        if (draft != null) {
            item {
                Card(Modifier.fillMaxWidth()) {
                    // Exactly what the server records with the consent.
                    Text(draft.text, Modifier.padding(16.dp))
                }
            }
            draft.issues.forEach { issue -> item { Text(issue.message(vn.healthbook.app.ui.common.appLang()), color = MaterialTheme.colorScheme.error) } }
            item {
                Row(verticalAlignment = Alignment.CenterVertically) {
                    Checkbox(checked = state.agreed, onCheckedChange = model::agree)
                    Text(stringResource(R.string.consent_agree))
                }
            }
            if (state.owner?.isSelf == false) {
                item {
                    Row(verticalAlignment = Alignment.CenterVertically) {
                        Checkbox(checked = state.childAssent, onCheckedChange = model::childAssent)
                        Text(stringResource(R.string.consent_child_assent))
                    }
                    state.problems["child_assent"]?.let { Text(it, color = MaterialTheme.colorScheme.error) }
                }
            }
            item {
                Button(
                    onClick = { model.grant(onDone) },
                    enabled = state.agreed && draft.issues.isEmpty() && !state.busy,
                    modifier = Modifier.fillMaxWidth(),
                ) { Text(stringResource(R.string.consent_grant)) }
            }
        }
    }
}

private fun sectionLabel(section: Section) = when (section) {
    Section.ADMINISTRATIVE -> R.string.section_administrative
    Section.HISTORY -> R.string.section_history
    Section.IMMUNIZATIONS -> R.string.section_immunizations
    Section.VISITS -> R.string.section_visits
    Section.READINGS -> R.string.section_readings
}

private fun purposeLabel(purpose: Purpose) = when (purpose) {
    Purpose.TREATMENT -> R.string.purpose_treatment
    Purpose.REFERRAL -> R.string.purpose_referral
    Purpose.FOLLOW_UP -> R.string.purpose_follow_up
}

private fun consentStatusLabel(status: ConsentStatus) = when (status) {
    ConsentStatus.ACTIVE -> R.string.consent_active
    ConsentStatus.EXPIRED -> R.string.consent_expired
    ConsentStatus.WITHDRAWN -> R.string.consent_withdrawn_status
    ConsentStatus.SUSPENDED -> R.string.consent_suspended
}

@Composable
private fun AccessLogScreen(state: BookState, model: BookViewModel) {
    LazyColumn(Modifier.fillMaxSize().padding(horizontal = 16.dp), verticalArrangement = Arrangement.spacedBy(8.dp)) {
        item { Header(stringResource(R.string.access_log_title), state) }
        if (state.log.isEmpty()) item { Text(stringResource(R.string.access_log_none)) }
        // The core's sentence, in the app's language: who, where, what, when, on what basis.
        items(state.log, key = { it.entry.id }) { line -> Card(Modifier.fillMaxWidth()) { Text(line.sentence, Modifier.padding(16.dp)) } }
        if (state.logCursor != null) {
            item { TextButton(onClick = { model.loadLog(more = true) }, enabled = !state.busy) { Text(stringResource(R.string.more)) } }
        }
    }
}
