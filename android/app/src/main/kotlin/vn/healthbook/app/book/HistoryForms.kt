// FlowRow lays out the chips of a choice; it is still marked experimental in this Compose.
@file:OptIn(ExperimentalLayoutApi::class)

package vn.healthbook.app.book

import androidx.annotation.StringRes
import androidx.compose.foundation.layout.Arrangement
import androidx.compose.foundation.layout.Column
import androidx.compose.foundation.layout.ExperimentalLayoutApi
import androidx.compose.foundation.layout.FlowRow
import androidx.compose.foundation.layout.fillMaxSize
import androidx.compose.foundation.layout.fillMaxWidth
import androidx.compose.foundation.layout.padding
import androidx.compose.foundation.lazy.LazyColumn
import androidx.compose.foundation.lazy.LazyListScope
import androidx.compose.foundation.lazy.items
import androidx.compose.material3.Button
import androidx.compose.material3.Card
import androidx.compose.material3.FilterChip
import androidx.compose.material3.MaterialTheme
import androidx.compose.material3.OutlinedButton
import androidx.compose.material3.Text
import androidx.compose.runtime.Composable
import androidx.compose.runtime.getValue
import androidx.compose.runtime.mutableStateOf
import androidx.compose.runtime.remember
import androidx.compose.runtime.setValue
import androidx.compose.ui.Modifier
import androidx.compose.ui.res.stringResource
import androidx.compose.ui.text.input.KeyboardType
import androidx.compose.ui.text.style.TextDecoration
import androidx.compose.ui.unit.dp
import vn.healthbook.app.R
import vn.healthbook.app.ui.common.FormField
import vn.healthbook.core.BookView
import vn.healthbook.core.OfflineAction
import vn.healthbook.domain.ActivityLevel
import vn.healthbook.domain.Allergy
import vn.healthbook.domain.AllergyKind
import vn.healthbook.domain.BirthCondition
import vn.healthbook.domain.BookEntry
import vn.healthbook.domain.ChecklistDisease
import vn.healthbook.domain.Contraception
import vn.healthbook.domain.Delivery
import vn.healthbook.domain.Disability
import vn.healthbook.domain.DisabilityKind
import vn.healthbook.domain.EntryBody
import vn.healthbook.domain.EntryStatus
import vn.healthbook.domain.FamilyHistory
import vn.healthbook.domain.PastDisease
import vn.healthbook.domain.Relative
import vn.healthbook.domain.Reproductive
import vn.healthbook.domain.RiskFactors
import vn.healthbook.domain.Severity
import vn.healthbook.domain.Surgery
import vn.healthbook.domain.UseStatus

/** The forms of section II, each a screen of its own opened from the history list. */
internal enum class HistoryForm(@StringRes val title: Int) {
    ALLERGY(R.string.history_add_allergy),
    PAST_DISEASE(R.string.history_add_past_disease),
    DISABILITY(R.string.history_add_disability),
    SURGERY(R.string.history_add_surgery),
    FAMILY_HISTORY(R.string.history_add_family),
    RISK_FACTORS(R.string.history_risk_factors),
    REPRODUCTIVE(R.string.history_reproductive),
    ;

    val route: String get() = "history/${name.lowercase()}"
}

/** Section II as last read, what waits to be sent, and a way into each form. */
@Composable
internal fun HistoryScreen(state: BookState, onAdd: (HistoryForm) -> Unit) {
    val history = state.book?.history.orEmpty()
    val waiting = state.book?.queuedHistory().orEmpty()
    LazyColumn(Modifier.fillMaxSize().padding(horizontal = 16.dp), verticalArrangement = Arrangement.spacedBy(8.dp)) {
        item { Header(stringResource(R.string.section_history), state) }
        if (history.isEmpty() && waiting.isEmpty()) item { Text(stringResource(R.string.book_section_empty)) }
        // Written on this phone and not sent yet: shown, so that nothing seems lost.
        items(waiting) { body ->
            Card(Modifier.fillMaxWidth()) {
                Column(Modifier.padding(16.dp), verticalArrangement = Arrangement.spacedBy(4.dp)) {
                    Text(historyLine(body))
                    Text(stringResource(R.string.book_waiting), color = MaterialTheme.colorScheme.tertiary, style = MaterialTheme.typography.bodySmall)
                }
            }
        }
        items(history, key = { it.entryId }) { entry ->
            Card(Modifier.fillMaxWidth()) {
                Column(Modifier.padding(16.dp), verticalArrangement = Arrangement.spacedBy(4.dp)) {
                    Text(
                        historyLine(entry.body),
                        textDecoration = if (entry.status == EntryStatus.ENTERED_IN_ERROR) TextDecoration.LineThrough else null,
                    )
                    Provenance(entry)
                }
            }
        }
        item { Text(stringResource(R.string.history_write), style = MaterialTheme.typography.titleMedium) }
        items(HistoryForm.entries) { form ->
            OutlinedButton(onClick = { onAdd(form) }, modifier = Modifier.fillMaxWidth()) { Text(stringResource(form.title)) }
        }
    }
}

@Composable
internal fun HistoryFormScreen(form: HistoryForm, state: BookState, model: BookViewModel, onDone: () -> Unit) = when (form) {
    HistoryForm.ALLERGY -> AllergyForm(state, model, onDone)
    HistoryForm.PAST_DISEASE -> PastDiseaseForm(state, model, onDone)
    HistoryForm.DISABILITY -> DisabilityForm(state, model, onDone)
    HistoryForm.SURGERY -> SurgeryForm(state, model, onDone)
    HistoryForm.FAMILY_HISTORY -> FamilyHistoryForm(state, model, onDone)
    HistoryForm.RISK_FACTORS -> RiskFactorsForm(state, model, onDone)
    HistoryForm.REPRODUCTIVE -> ReproductiveForm(state, model, onDone)
}

@Composable
private fun AllergyForm(state: BookState, model: BookViewModel, onDone: () -> Unit) {
    var kind by remember { mutableStateOf(AllergyKind.DRUG) }
    var substance by remember { mutableStateOf("") }
    var reaction by remember { mutableStateOf("") }
    var severity by remember { mutableStateOf<Severity?>(null) }
    FormColumn(R.string.history_add_allergy, state) {
        item { Choice(null, AllergyKind.entries, kind, { k -> k?.let { kind = it } }) { stringResource(allergyKindLabel(it)) } }
        item { FormField(substance, { substance = it }, stringResource(R.string.history_substance), state.problems["substance"]) }
        item { FormField(reaction, { reaction = it }, stringResource(R.string.history_reaction), state.problems["reaction"]) }
        item { Choice(R.string.history_severity, Severity.entries, severity, { severity = it }, optional = true) { stringResource(severityLabel(it)) } }
        item {
            SaveButton(R.string.history_add, enabled = !state.busy) {
                val body = EntryBody.Allergy(Allergy(kind, substance, reaction.ifBlank { null }, severity))
                if (model.check(body)) model.addHistory(body, onDone)
            }
        }
    }
}

@Composable
private fun PastDiseaseForm(state: BookState, model: BookViewModel, onDone: () -> Unit) {
    var disease by remember { mutableStateOf<ChecklistDisease?>(null) }
    var icd10 by remember { mutableStateOf("") }
    var since by remember { mutableStateOf("") }
    var note by remember { mutableStateOf("") }
    FormColumn(R.string.history_add_past_disease, state) {
        item { Choice(R.string.history_disease, ChecklistDisease.entries, disease, { disease = it }) { stringResource(diseaseLabel(it)) } }
        item { FormField(icd10, { icd10 = it }, stringResource(R.string.history_icd10), state.problems["icd10"], KeyboardType.Ascii) }
        item { FormField(since, { since = it }, stringResource(R.string.history_since_year), state.problems["since_year"], KeyboardType.Number) }
        item { FormField(note, { note = it }, stringResource(R.string.history_note), state.problems["note"], singleLine = false) }
        item {
            SaveButton(R.string.history_add, enabled = !state.busy && disease != null) {
                val chosen = disease ?: return@SaveButton
                val body = EntryBody.PastDisease(PastDisease(chosen, icd10.ifBlank { null }, typedYear(since), note.ifBlank { null }))
                if (model.check(body)) model.addHistory(body, onDone)
            }
        }
    }
}

@Composable
private fun DisabilityForm(state: BookState, model: BookViewModel, onDone: () -> Unit) {
    var kind by remember { mutableStateOf<DisabilityKind?>(null) }
    var detail by remember { mutableStateOf("") }
    FormColumn(R.string.history_add_disability, state) {
        item { Choice(R.string.history_disability_kind, DisabilityKind.entries, kind, { kind = it }) { stringResource(disabilityLabel(it)) } }
        item { FormField(detail, { detail = it }, stringResource(R.string.history_disability_detail), state.problems["detail"]) }
        item {
            SaveButton(R.string.history_add, enabled = !state.busy && kind != null) {
                val chosen = kind ?: return@SaveButton
                val body = EntryBody.Disability(Disability(chosen, detail.ifBlank { null }))
                if (model.check(body)) model.addHistory(body, onDone)
            }
        }
    }
}

@Composable
private fun SurgeryForm(state: BookState, model: BookViewModel, onDone: () -> Unit) {
    var procedure by remember { mutableStateOf("") }
    var year by remember { mutableStateOf("") }
    var facility by remember { mutableStateOf("") }
    var note by remember { mutableStateOf("") }
    FormColumn(R.string.history_add_surgery, state) {
        item { FormField(procedure, { procedure = it }, stringResource(R.string.history_procedure), state.problems["procedure"]) }
        item { FormField(year, { year = it }, stringResource(R.string.history_surgery_year), state.problems["year"], KeyboardType.Number) }
        item { FormField(facility, { facility = it }, stringResource(R.string.history_surgery_facility), state.problems["facility"]) }
        item { FormField(note, { note = it }, stringResource(R.string.history_note), state.problems["note"], singleLine = false) }
        item {
            SaveButton(R.string.history_add, enabled = !state.busy) {
                val body = EntryBody.Surgery(Surgery(procedure, typedYear(year), facility.ifBlank { null }, note.ifBlank { null }))
                if (model.check(body)) model.addHistory(body, onDone)
            }
        }
    }
}

@Composable
private fun FamilyHistoryForm(state: BookState, model: BookViewModel, onDone: () -> Unit) {
    var relative by remember { mutableStateOf<Relative?>(null) }
    var disease by remember { mutableStateOf<ChecklistDisease?>(null) }
    var icd10 by remember { mutableStateOf("") }
    var note by remember { mutableStateOf("") }
    FormColumn(R.string.history_add_family, state) {
        item { Choice(R.string.history_relative, Relative.entries, relative, { relative = it }) { stringResource(relativeLabel(it)) } }
        item { Choice(R.string.history_disease, ChecklistDisease.entries, disease, { disease = it }) { stringResource(diseaseLabel(it)) } }
        item { FormField(icd10, { icd10 = it }, stringResource(R.string.history_icd10), state.problems["icd10"], KeyboardType.Ascii) }
        item { FormField(note, { note = it }, stringResource(R.string.history_note), state.problems["note"], singleLine = false) }
        item {
            SaveButton(R.string.history_add, enabled = !state.busy && relative != null && disease != null) {
                val who = relative ?: return@SaveButton
                val what = disease ?: return@SaveButton
                val body = EntryBody.FamilyHistory(FamilyHistory(who, what, icd10.ifBlank { null }, note.ifBlank { null }))
                if (model.check(body)) model.addHistory(body, onDone)
            }
        }
    }
}

/**
 * The book holds one risk-factors entry: the first is added (and may wait in the queue), later
 * changes correct it with a reason, which needs the network. The form opens on what the book holds.
 */
@Composable
private fun RiskFactorsForm(state: BookState, model: BookViewModel, onDone: () -> Unit) {
    val held = state.book?.held<EntryBody.RiskFactors>()
    val waiting = state.book?.waiting<EntryBody.RiskFactors>()?.v1
    val base = waiting ?: (held?.body as? EntryBody.RiskFactors)?.v1
    val birth = base?.conditionAtBirth
    var smoking by remember(base) { mutableStateOf(base?.smoking) }
    var alcohol by remember(base) { mutableStateOf(base?.alcohol) }
    var drugs by remember(base) { mutableStateOf(base?.drugs) }
    var activity by remember(base) { mutableStateOf(base?.physicalActivity) }
    var delivery by remember(base) { mutableStateOf(birth?.delivery) }
    var weight by remember(base) { mutableStateOf(birth?.weightGrams?.toString().orEmpty()) }
    var length by remember(base) { mutableStateOf(birth?.lengthCm?.toString().orEmpty()) }
    var weeks by remember(base) { mutableStateOf(birth?.gestationalWeeks?.toString().orEmpty()) }
    var asphyxia by remember(base) { mutableStateOf(birth?.asphyxia) }
    var defects by remember(base) { mutableStateOf(birth?.birthDefects.orEmpty()) }
    var reason by remember(base) { mutableStateOf("") }
    val atBirth = BirthCondition(
        delivery = delivery,
        weightGrams = typedCount(weight),
        lengthCm = typedCount(length),
        gestationalWeeks = typedCount(weeks),
        asphyxia = asphyxia,
        birthDefects = defects.ifBlank { null },
    )
    val edited = RiskFactors(
        conditionAtBirth = atBirth.takeUnless { it == BirthCondition(null, null, null, null, null, null) },
        smoking = smoking,
        alcohol = alcohol,
        drugs = drugs,
        physicalActivity = activity,
    )
    FormColumn(R.string.history_risk_factors, state) {
        if (waiting != null) item { Text(stringResource(R.string.history_waiting_form), color = MaterialTheme.colorScheme.tertiary) }
        item { Choice(R.string.risk_smoking, UseStatus.entries, smoking, { smoking = it }, optional = true) { stringResource(useStatusLabel(it)) } }
        item { Choice(R.string.risk_alcohol, UseStatus.entries, alcohol, { alcohol = it }, optional = true) { stringResource(useStatusLabel(it)) } }
        item { Choice(R.string.risk_drugs, UseStatus.entries, drugs, { drugs = it }, optional = true) { stringResource(useStatusLabel(it)) } }
        item { Choice(R.string.risk_activity, ActivityLevel.entries, activity, { activity = it }, optional = true) { stringResource(activityLabel(it)) } }
        item { Text(stringResource(R.string.birth_condition), style = MaterialTheme.typography.titleMedium) }
        item { Choice(R.string.birth_delivery, Delivery.entries, delivery, { delivery = it }, optional = true) { stringResource(deliveryLabel(it)) } }
        item { FormField(weight, { weight = it }, stringResource(R.string.birth_weight), state.problems["condition_at_birth.weight_grams"], KeyboardType.Number) }
        item { FormField(length, { length = it }, stringResource(R.string.birth_length), state.problems["condition_at_birth.length_cm"], KeyboardType.Number) }
        item { FormField(weeks, { weeks = it }, stringResource(R.string.birth_weeks), state.problems["condition_at_birth.gestational_weeks"], KeyboardType.Number) }
        item {
            Choice(R.string.birth_asphyxia, listOf(true, false), asphyxia, { asphyxia = it }, optional = true) {
                stringResource(if (it) R.string.yes else R.string.no)
            }
        }
        item { FormField(defects, { defects = it }, stringResource(R.string.birth_defects), state.problems["condition_at_birth.birth_defects"]) }
        held?.let { entry -> correction(entry, reason, { reason = it }, state) }
        item {
            SaveButton(
                if (held == null) R.string.history_add else R.string.history_save_change,
                enabled = !state.busy && waiting == null && edited != (base ?: RiskFactors(null, null, null, null, null)),
            ) {
                val body = EntryBody.RiskFactors(edited)
                if (model.check(body)) {
                    if (held == null) model.addHistory(body, onDone) else model.correctHistory(held, body, reason, onDone)
                }
            }
        }
    }
}

/** Held once, like risk factors: added first, corrected with a reason afterwards. */
@Composable
private fun ReproductiveForm(state: BookState, model: BookViewModel, onDone: () -> Unit) {
    val held = state.book?.held<EntryBody.Reproductive>()
    val waiting = state.book?.waiting<EntryBody.Reproductive>()?.v1
    val base = waiting ?: (held?.body as? EntryBody.Reproductive)?.v1
    var contraception by remember(base) { mutableStateOf(base?.contraception) }
    var pregnancies by remember(base) { mutableStateOf(base?.pregnancies?.toString().orEmpty()) }
    var births by remember(base) { mutableStateOf(base?.births?.toString().orEmpty()) }
    var miscarriages by remember(base) { mutableStateOf(base?.miscarriages?.toString().orEmpty()) }
    var note by remember(base) { mutableStateOf(base?.note.orEmpty()) }
    var reason by remember(base) { mutableStateOf("") }
    val edited = Reproductive(
        contraception = contraception,
        pregnancies = typedCount(pregnancies),
        births = typedCount(births),
        miscarriages = typedCount(miscarriages),
        note = note.ifBlank { null },
    )
    FormColumn(R.string.history_reproductive, state) {
        if (waiting != null) item { Text(stringResource(R.string.history_waiting_form), color = MaterialTheme.colorScheme.tertiary) }
        item {
            Choice(R.string.repro_contraception, Contraception.entries, contraception, { contraception = it }, optional = true) {
                stringResource(contraceptionLabel(it))
            }
        }
        item { FormField(pregnancies, { pregnancies = it }, stringResource(R.string.repro_pregnancies), state.problems["pregnancies"], KeyboardType.Number) }
        item { FormField(births, { births = it }, stringResource(R.string.repro_births), state.problems["births"], KeyboardType.Number) }
        item { FormField(miscarriages, { miscarriages = it }, stringResource(R.string.repro_miscarriages), state.problems["miscarriages"], KeyboardType.Number) }
        item { FormField(note, { note = it }, stringResource(R.string.history_note), state.problems["note"], singleLine = false) }
        held?.let { entry -> correction(entry, reason, { reason = it }, state) }
        item {
            SaveButton(
                if (held == null) R.string.history_add else R.string.history_save_change,
                enabled = !state.busy && waiting == null && edited != (base ?: Reproductive(null, null, null, null, null)),
            ) {
                val body = EntryBody.Reproductive(edited)
                if (model.check(body)) {
                    if (held == null) model.addHistory(body, onDone) else model.correctHistory(held, body, reason, onDone)
                }
            }
        }
    }
}

/** What a correction adds to a form: whose version it replaces, and the reason the book keeps. */
private fun LazyListScope.correction(entry: BookEntry, reason: String, onReason: (String) -> Unit, state: BookState) {
    item { Provenance(entry) }
    item { Text(stringResource(R.string.history_correct_hint)) }
    item { FormField(reason, onReason, stringResource(R.string.history_reason), state.problems["reason"], singleLine = false) }
    if (state.offline) item { Text(stringResource(R.string.history_correct_online), color = MaterialTheme.colorScheme.tertiary) }
}

@Composable
private fun FormColumn(@StringRes title: Int, state: BookState, content: LazyListScope.() -> Unit) {
    LazyColumn(Modifier.fillMaxSize().padding(horizontal = 16.dp), verticalArrangement = Arrangement.spacedBy(8.dp)) {
        item { Header(stringResource(title), state) }
        content()
    }
}

@Composable
private fun SaveButton(@StringRes text: Int, enabled: Boolean, onClick: () -> Unit) {
    Button(onClick = onClick, enabled = enabled, modifier = Modifier.fillMaxWidth()) { Text(stringResource(text)) }
}

/** One of [options] as chips; with [optional], tapping the chosen chip again leaves the answer out. */
@Composable
private fun <T> Choice(
    @StringRes title: Int?,
    options: List<T>,
    selected: T?,
    onSelect: (T?) -> Unit,
    optional: Boolean = false,
    label: @Composable (T) -> String,
) {
    Column(verticalArrangement = Arrangement.spacedBy(4.dp)) {
        title?.let { Text(stringResource(it), style = MaterialTheme.typography.titleSmall) }
        FlowRow(horizontalArrangement = Arrangement.spacedBy(8.dp)) {
            options.forEach { option ->
                FilterChip(
                    selected == option,
                    { onSelect(if (optional && selected == option) null else option) },
                    label = { Text(label(option)) },
                )
            }
        }
    }
}

/** The book's entry of a kind it holds once, if any (one marked in error is not it): its form corrects it. */
private inline fun <reified T : EntryBody> BookView.held(): BookEntry? =
    history.firstOrNull { it.body is T && it.status != EntryStatus.ENTERED_IN_ERROR }

/** Such an entry added on this phone and still waiting to be sent. */
private inline fun <reified T : EntryBody> BookView.waiting(): T? = queuedHistory().filterIsInstance<T>().lastOrNull()

private fun BookView.queuedHistory(): List<EntryBody> = pending.mapNotNull { (it.action as? OfflineAction.AddEntry)?.body }

/**
 * A typed whole number. Text that is not one goes to the core as a number beyond every range,
 * so that the core names the field's bounds, as the readings form sends NaN.
 */
private fun typedCount(text: String): UInt? = text.trim().ifEmpty { null }?.let { it.toUIntOrNull() ?: UInt.MAX_VALUE }

private fun typedYear(text: String): Int? = text.trim().ifEmpty { null }?.let { it.toIntOrNull() ?: Int.MIN_VALUE }

/** One entry of section II in a line (two for the kinds held once), in the app's language. */
@Composable
internal fun historyLine(body: EntryBody): String = when (body) {
    is EntryBody.Allergy -> body.v1.let { allergy ->
        parts(
            stringResource(R.string.history_allergy_line, allergy.substance),
            stringResource(allergyKindLabel(allergy.kind)),
            allergy.reaction,
            allergy.severity?.let { stringResource(severityLabel(it)) },
        )
    }
    is EntryBody.PastDisease -> body.v1.let { past ->
        parts(
            stringResource(R.string.history_past_disease_line, disease(past.disease, past.icd10)),
            past.sinceYear?.let { stringResource(R.string.history_since, it.toString()) },
        )
    }
    is EntryBody.Surgery -> body.v1.let { surgery ->
        parts(
            stringResource(R.string.history_surgery_line, surgery.procedure),
            surgery.year?.let { stringResource(R.string.history_in_year, it.toString()) },
            surgery.facility,
        )
    }
    is EntryBody.FamilyHistory -> body.v1.let { family ->
        stringResource(R.string.history_family_line, stringResource(relativeLabel(family.relative)), disease(family.disease, family.icd10))
    }
    is EntryBody.Disability -> body.v1.let { disability ->
        parts(stringResource(R.string.history_disability_line, stringResource(disabilityLabel(disability.kind))), disability.detail)
    }
    is EntryBody.RiskFactors -> riskFactorsLines(body.v1)
    is EntryBody.Reproductive -> body.v1.let { repro ->
        val details = parts(
            repro.contraception?.let { labelled(R.string.repro_contraception, stringResource(contraceptionLabel(it))) },
            repro.pregnancies?.let { labelled(R.string.repro_pregnancies, it.toString()) },
            repro.births?.let { labelled(R.string.repro_births, it.toString()) },
            repro.miscarriages?.let { labelled(R.string.repro_miscarriages, it.toString()) },
        )
        listOf(stringResource(R.string.history_reproductive_line), details).filter { it.isNotEmpty() }.joinToString("\n")
    }
    else -> ""
}

@Composable
private fun riskFactorsLines(risk: RiskFactors): String {
    val uses = parts(
        risk.smoking?.let { labelled(R.string.risk_smoking, stringResource(useStatusLabel(it))) },
        risk.alcohol?.let { labelled(R.string.risk_alcohol, stringResource(useStatusLabel(it))) },
        risk.drugs?.let { labelled(R.string.risk_drugs, stringResource(useStatusLabel(it))) },
        risk.physicalActivity?.let { labelled(R.string.risk_activity, stringResource(activityLabel(it))) },
    )
    val birth = risk.conditionAtBirth?.let { at ->
        listOfNotNull(
            at.delivery?.let { stringResource(deliveryLabel(it)) },
            at.weightGrams?.let { stringResource(R.string.birth_grams, it.toString()) },
            at.lengthCm?.let { stringResource(R.string.birth_cm, it.toString()) },
            at.gestationalWeeks?.let { stringResource(R.string.birth_weeks_count, it.toString()) },
            at.asphyxia?.let { stringResource(if (it) R.string.birth_asphyxia_yes else R.string.birth_asphyxia_no) },
            at.birthDefects?.let { labelled(R.string.birth_defects, it) },
        ).joinToString(", ").ifEmpty { null }?.let { labelled(R.string.birth_condition, it) }
    }
    return listOfNotNull(stringResource(R.string.history_risk_factors_line), uses.ifEmpty { null }, birth).joinToString("\n")
}

@Composable
private fun labelled(@StringRes label: Int, value: String) = stringResource(R.string.history_labelled, stringResource(label), value)

private fun parts(vararg parts: String?): String = parts.filterNotNull().filter { it.isNotBlank() }.joinToString(" · ")

/** A checklist disease, with the ICD-10 code a professional gave, if any. */
@Composable
private fun disease(disease: ChecklistDisease, icd10: String?): String =
    stringResource(diseaseLabel(disease)) + icd10?.let { " ($it)" }.orEmpty()

private fun allergyKindLabel(kind: AllergyKind) = when (kind) {
    AllergyKind.DRUG -> R.string.allergy_drug
    AllergyKind.FOOD -> R.string.allergy_food
    AllergyKind.CHEMICAL -> R.string.allergy_chemical
    AllergyKind.ENVIRONMENT -> R.string.allergy_environment
    AllergyKind.OTHER -> R.string.allergy_other
}

private fun severityLabel(severity: Severity) = when (severity) {
    Severity.MILD -> R.string.severity_mild
    Severity.MODERATE -> R.string.severity_moderate
    Severity.SEVERE -> R.string.severity_severe
}

private fun diseaseLabel(disease: ChecklistDisease) = when (disease) {
    ChecklistDisease.HEART_DISEASE -> R.string.disease_heart
    ChecklistDisease.HYPERTENSION -> R.string.disease_hypertension
    ChecklistDisease.DIABETES -> R.string.disease_diabetes
    ChecklistDisease.STOMACH_DISEASE -> R.string.disease_stomach
    ChecklistDisease.CHRONIC_LUNG_DISEASE -> R.string.disease_chronic_lung
    ChecklistDisease.ASTHMA -> R.string.disease_asthma
    ChecklistDisease.GOITRE -> R.string.disease_goitre
    ChecklistDisease.HEPATITIS -> R.string.disease_hepatitis
    ChecklistDisease.CONGENITAL_HEART_DISEASE -> R.string.disease_congenital_heart
    ChecklistDisease.MENTAL_ILLNESS -> R.string.disease_mental
    ChecklistDisease.AUTISM -> R.string.disease_autism
    ChecklistDisease.EPILEPSY -> R.string.disease_epilepsy
    ChecklistDisease.CANCER -> R.string.disease_cancer
    ChecklistDisease.TUBERCULOSIS -> R.string.disease_tuberculosis
    ChecklistDisease.OTHER -> R.string.disease_other
}

private fun disabilityLabel(kind: DisabilityKind) = when (kind) {
    DisabilityKind.VISION -> R.string.disability_vision
    DisabilityKind.HEARING -> R.string.disability_hearing
    DisabilityKind.SPEECH -> R.string.disability_speech
    DisabilityKind.MOBILITY -> R.string.disability_mobility
    DisabilityKind.INTELLECTUAL -> R.string.disability_intellectual
    DisabilityKind.MENTAL -> R.string.disability_mental
    DisabilityKind.OTHER -> R.string.disability_other
}

private fun relativeLabel(relative: Relative) = when (relative) {
    Relative.FATHER -> R.string.relative_father
    Relative.MOTHER -> R.string.relative_mother
    Relative.SIBLING -> R.string.relative_sibling
    Relative.GRANDPARENT -> R.string.relative_grandparent
    Relative.CHILD -> R.string.relative_child
    Relative.OTHER -> R.string.relative_other
}

private fun useStatusLabel(status: UseStatus) = when (status) {
    UseStatus.NEVER -> R.string.use_never
    UseStatus.FORMER -> R.string.use_former
    UseStatus.OCCASIONAL -> R.string.use_occasional
    UseStatus.REGULAR -> R.string.use_regular
}

private fun activityLabel(level: ActivityLevel) = when (level) {
    ActivityLevel.LOW -> R.string.activity_low
    ActivityLevel.MODERATE -> R.string.activity_moderate
    ActivityLevel.HIGH -> R.string.activity_high
}

private fun deliveryLabel(delivery: Delivery) = when (delivery) {
    Delivery.VAGINAL -> R.string.delivery_vaginal
    Delivery.CAESAREAN -> R.string.delivery_caesarean
    Delivery.ASSISTED -> R.string.delivery_assisted
}

private fun contraceptionLabel(method: Contraception) = when (method) {
    Contraception.NONE -> R.string.contraception_none
    Contraception.CONDOM -> R.string.contraception_condom
    Contraception.PILL -> R.string.contraception_pill
    Contraception.IUD -> R.string.contraception_iud
    Contraception.IMPLANT -> R.string.contraception_implant
    Contraception.INJECTION -> R.string.contraception_injection
    Contraception.STERILISATION -> R.string.contraception_sterilisation
    Contraception.OTHER -> R.string.contraception_other
}
