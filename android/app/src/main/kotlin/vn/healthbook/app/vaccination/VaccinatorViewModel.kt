package vn.healthbook.app.vaccination

import androidx.lifecycle.ViewModel
import androidx.lifecycle.viewModelScope
import java.time.LocalDate
import java.util.UUID
import kotlinx.coroutines.flow.MutableStateFlow
import kotlinx.coroutines.flow.StateFlow
import kotlinx.coroutines.flow.update
import kotlinx.coroutines.launch
import vn.healthbook.app.R
import vn.healthbook.app.platform.QrScanner
import vn.healthbook.app.ui.common.UiMessage
import vn.healthbook.app.ui.common.appLang
import vn.healthbook.app.ui.common.endsSession
import vn.healthbook.app.ui.common.toUiMessage
import vn.healthbook.core.ActionResult
import vn.healthbook.core.DoseOutcome
import vn.healthbook.core.HealthBookClient
import vn.healthbook.core.OfflineAction
import vn.healthbook.core.PendingAction
import vn.healthbook.core.ScreeningQuestion
import vn.healthbook.core.VaccinationDay
import vn.healthbook.core.Visit
import vn.healthbook.core.doseConflictMessage
import vn.healthbook.domain.AdministerRequest
import vn.healthbook.domain.Programme
import vn.healthbook.domain.ScreeningAnswer
import vn.healthbook.domain.ScreeningAnswers
import vn.healthbook.domain.ScreeningGroup

/** A dose the server refused on a sync, as the pending list shows it: whose, and why. */
data class DoseConflictLine(val person: String, val message: String)

data class VaccinatorState(
    val day: VaccinationDay? = null,
    val visit: Visit? = null,
    val group: ScreeningGroup = ScreeningGroup.CHILD,
    val questions: List<ScreeningQuestion> = emptyList(),
    /** Answers by item; every item but the temperature must be answered. */
    val answers: Map<String, Boolean> = emptyMap(),
    /** As typed, in °C ("36.8"). */
    val temperature: String = "",
    val lotId: UUID? = null,
    val site: String = "left_thigh",
    val route: String = "intramuscular",
    val pending: List<PendingAction> = emptyList(),
    val conflicts: List<DoseConflictLine> = emptyList(),
    val busy: Boolean = false,
    val message: UiMessage? = null,
    val signedOut: Boolean = false,
) {
    val canRecord: Boolean
        get() = visit != null && lotId != null && temperatureTenths() != null &&
            questions.filter { it.item != TEMPERATURE }.all { answers.containsKey(it.item) }

    /** The temperature in tenths of a degree, as the screening counts it. */
    fun temperatureTenths(): UShort? =
        temperature.replace(',', '.').toBigDecimalOrNull()?.movePointRight(1)?.toInt()?.takeIf { it in 0..999 }?.toUShort()
}

private const val TEMPERATURE = "temperature"

/**
 * A vaccinator's day: prepared while there is network, then a visit per scanned QR —
 * checklist, due antigens, lot — and the dose, which the core queues when the site has no
 * network. The rules (screening, schedule, lots) are the core's; this only collects answers.
 */
class VaccinatorViewModel(
    private val core: HealthBookClient,
    private val facilityId: UUID,
    private val scanner: QrScanner,
) : ViewModel() {
    private val mutable = MutableStateFlow(VaccinatorState())
    val state: StateFlow<VaccinatorState> = mutable

    init {
        chooseGroup(ScreeningGroup.CHILD)
        work { mutable.update { it.copy(day = core.vaccinator().day(facilityId), pending = doses()) } }
    }

    private suspend fun doses(): List<PendingAction> =
        core.offline().pending().filter { it.action is OfflineAction.RecordDose }

    private fun work(job: suspend () -> Unit) {
        mutable.update { it.copy(busy = true, message = null) }
        viewModelScope.launch {
            try {
                job()
            } catch (e: Exception) {
                if (e.endsSession()) mutable.update { it.copy(signedOut = true) } else mutable.update { it.copy(message = e.toUiMessage()) }
            } finally {
                mutable.update { it.copy(busy = false) }
            }
        }
    }

    fun prepareDay() = work {
        val day = core.vaccinator().prepareDay(facilityId, LocalDate.now())
        mutable.update { it.copy(day = day) }
    }

    fun scan() = work {
        val text = scanner.scan() ?: return@work
        open(text)
    }

    fun typed(code: String) = work { open(code) }

    /** Opens the visit on the checklist the core found for the person's age; the worker may still switch (to "pregnant"). */
    private suspend fun open(code: String) {
        val visit = core.vaccinator().openVisit(facilityId, code)
        val group = visit.screeningGroup ?: state.value.group
        mutable.update {
            it.copy(
                visit = visit, lotId = visit.lots.singleOrNull()?.lotId, temperature = "",
                group = group, questions = core.vaccinator().screeningChecklist(group), answers = emptyMap(),
            )
        }
    }

    fun chooseGroup(group: ScreeningGroup) = mutable.update {
        it.copy(group = group, questions = core.vaccinator().screeningChecklist(group), answers = emptyMap())
    }

    fun answer(item: String, yes: Boolean) = mutable.update { it.copy(answers = it.answers + (item to yes)) }

    fun temperature(text: String) = mutable.update { it.copy(temperature = text) }

    fun chooseLot(lotId: UUID) = mutable.update { it.copy(lotId = lotId) }

    fun site(text: String) = mutable.update { it.copy(site = text) }

    fun record() = work {
        val now = state.value
        val visit = now.visit ?: return@work
        val lot = visit.lots.firstOrNull { it.lotId == now.lotId } ?: return@work
        val tenths = now.temperatureTenths() ?: return@work
        val request = AdministerRequest(
            citizenId = null,
            appointmentCode = visit.appointment.code,
            vaccine = visit.appointment.vaccine ?: lot.vaccine,
            product = lot.product,
            lotId = lot.lotId,
            doseNumber = null,
            site = now.site,
            route = now.route,
            programme = visit.programme ?: Programme.EXPANDED,
            screening = ScreeningAnswers(now.group, tenths, now.answers.map { (item, yes) -> ScreeningAnswer(item, yes) }),
        )
        val message = when (val outcome = core.vaccinator().recordDose(request)) {
            is DoseOutcome.Recorded -> UiMessage(R.string.vaccinator_recorded, listOf(visit.appointment.citizenName))
            is DoseOutcome.Queued -> outcome.warning?.let { UiMessage.Text(doseConflictMessage(it, appLang())) }
                ?: UiMessage(R.string.vaccinator_queued)
        }
        mutable.update { it.copy(visit = null, lotId = null, answers = emptyMap(), temperature = "", message = message, pending = doses()) }
    }

    /** Sends the queued doses; refusals stay on screen, each with its reason. */
    fun sync() = work {
        val report = core.offline().sync()
        val lang = appLang()
        val refused = report.outcomes.mapNotNull { outcome ->
            val result = outcome.result as? ActionResult.DoseRefused ?: return@mapNotNull null
            val person = (outcome.action.action as? OfflineAction.RecordDose)?.citizenName.orEmpty()
            DoseConflictLine(person, doseConflictMessage(result.conflict, lang))
        }
        mutable.update { it.copy(pending = doses(), conflicts = refused + it.conflicts) }
    }
}
