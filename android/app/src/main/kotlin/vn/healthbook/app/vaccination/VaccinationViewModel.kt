package vn.healthbook.app.vaccination

import androidx.lifecycle.ViewModel
import androidx.lifecycle.viewModelScope
import kotlinx.coroutines.flow.MutableStateFlow
import kotlinx.coroutines.flow.StateFlow
import kotlinx.coroutines.flow.update
import kotlinx.coroutines.launch
import vn.healthbook.app.R
import vn.healthbook.app.ui.common.UiMessage
import vn.healthbook.app.ui.common.endsSession
import vn.healthbook.app.ui.common.fieldProblems
import vn.healthbook.app.ui.common.isOffline
import vn.healthbook.app.ui.common.problemsByField
import vn.healthbook.app.ui.common.toUiMessage
import vn.healthbook.core.DueView
import vn.healthbook.core.HealthBookClient
import vn.healthbook.core.InputException
import vn.healthbook.core.SymptomChoice
import vn.healthbook.domain.BookEntry
import vn.healthbook.domain.EntryBody
import vn.healthbook.domain.ReactionReport
import vn.healthbook.domain.ReactionSeverity
import vn.healthbook.domain.SeriousFlags

/** What the reaction form holds, as typed and ticked. */
data class ReactionForm(
    /** `YYYY-MM-DD`, read by the core. */
    val onset: String,
    val symptoms: Set<String> = emptySet(),
    val severity: ReactionSeverity = ReactionSeverity.MILD,
    val serious: SeriousFlags = SeriousFlags(hospitalised = false, lifeThreatening = false, death = false),
    val note: String = "",
)

data class VaccinationState(
    /** The citizen first, then each dependent, each with the day's due list. */
    val family: List<DueView> = emptyList(),
    val chosen: Int = 0,
    val offline: Boolean = false,
    val busy: Boolean = false,
    val message: UiMessage? = null,
    val signedOut: Boolean = false,
    /** The symptoms a reaction report may name, in the app's language. */
    val symptoms: List<SymptomChoice> = emptyList(),
    /** The dose whose reaction form is open. */
    val reporting: BookEntry? = null,
    /** The core's or the server's problems per field of the form (`onset_on`, `symptoms`…). */
    val reactionProblems: Map<String, String> = emptyMap(),
    val reactionMessage: UiMessage? = null,
) {
    val person: DueView? get() = family.getOrNull(chosen)
}

/**
 * The family's vaccinations. The core works the due list out from each book's section III,
 * so it shows offline too (from the phone's copy); this only asks it. From a dose, the
 * person reports a reaction to it.
 */
class VaccinationViewModel(private val core: HealthBookClient) : ViewModel() {
    private val mutable = MutableStateFlow(VaccinationState(symptoms = core.vaccination().reactionSymptoms()))
    val state: StateFlow<VaccinationState> = mutable

    init {
        reload()
    }

    fun choose(index: Int) = mutable.update { it.copy(chosen = index) }

    /** Sends what waits, then reads the books again (the phone's copy offline). */
    fun reload() {
        mutable.update { it.copy(busy = true, message = null) }
        viewModelScope.launch {
            try {
                core.offline().sync()
                val family = core.vaccination().familyDue()
                mutable.update {
                    it.copy(family = family, chosen = it.chosen.coerceIn(0, maxOf(0, family.size - 1)), offline = family.any { v -> v.fromCache })
                }
            } catch (e: Exception) {
                when {
                    e.endsSession() -> mutable.update { it.copy(signedOut = true) }
                    e.isOffline() -> mutable.update { it.copy(offline = true, message = e.toUiMessage()) }
                    else -> mutable.update { it.copy(message = e.toUiMessage()) }
                }
            } finally {
                mutable.update { it.copy(busy = false) }
            }
        }
    }

    /** Opens the reaction form for [dose], or closes it with null. */
    fun openReaction(dose: BookEntry?) =
        mutable.update { it.copy(reporting = dose, reactionProblems = emptyMap(), reactionMessage = null) }

    /**
     * Sends the report on the open dose, by its book entry's id. The core reads the onset
     * (a day from the dose to today); the server checks the rest and decides seriousness.
     */
    fun reportReaction(form: ReactionForm) {
        val entry = state.value.reporting ?: return
        val dose = (entry.body as? EntryBody.Immunization)?.v1 ?: return
        val onset = try {
            core.vaccination().reactionOnset(form.onset, dose.administeredOn)
        } catch (e: InputException.Invalid) {
            mutable.update { it.copy(reactionProblems = problemsByField(listOf(e.issue))) }
            return
        }
        // The report names its symptoms in the list's order, whatever order they were ticked in.
        val symptoms = state.value.symptoms.map { it.code }.filter { it in form.symptoms }
        val report = ReactionReport(onset, symptoms, form.severity, form.serious, form.note.trim().ifEmpty { null })
        mutable.update { it.copy(busy = true, reactionProblems = emptyMap(), reactionMessage = null) }
        viewModelScope.launch {
            try {
                val reaction = core.vaccination().reportReaction(entry.entryId, report)
                val sent = if (reaction.serious) R.string.reaction_sent_serious else R.string.reaction_sent
                mutable.update { it.copy(reporting = null, message = UiMessage(sent)) }
            } catch (e: Exception) {
                if (e.endsSession()) {
                    mutable.update { it.copy(signedOut = true) }
                } else {
                    mutable.update { it.copy(reactionMessage = e.toUiMessage(), reactionProblems = e.fieldProblems()) }
                }
            } finally {
                mutable.update { it.copy(busy = false) }
            }
        }
    }
}
