package vn.healthbook.app.vaccination

import androidx.lifecycle.ViewModel
import androidx.lifecycle.viewModelScope
import java.util.UUID
import kotlinx.coroutines.flow.MutableStateFlow
import kotlinx.coroutines.flow.StateFlow
import kotlinx.coroutines.flow.update
import kotlinx.coroutines.launch
import vn.healthbook.app.R
import vn.healthbook.app.ui.common.UiMessage
import vn.healthbook.app.ui.common.endsSession
import vn.healthbook.app.ui.common.toUiMessage
import vn.healthbook.core.HealthBookClient
import vn.healthbook.domain.Facility
import vn.healthbook.domain.FacilityQuery
import vn.healthbook.domain.RegisterForSessionRequest
import vn.healthbook.domain.ServiceType
import vn.healthbook.domain.VaccinationSession

/** Who a registration may be for: oneself (`citizenId` null) or a dependent. */
data class Registrant(val citizenId: UUID?, val name: String)

data class SessionsState(
    val facilities: List<Facility> = emptyList(),
    val facility: Facility? = null,
    val sessions: List<VaccinationSession> = emptyList(),
    val family: List<Registrant> = emptyList(),
    val registrant: Registrant? = null,
    val busy: Boolean = false,
    val message: UiMessage? = null,
    val signedOut: Boolean = false,
)

/**
 * The citizen's side of sessions: find a vaccinating facility's sessions, register oneself
 * or a dependent for a vaccine (the core says why a dose is refused, with its first day when
 * too early). A reaction is reported from the dose itself, on the due screen.
 */
class SessionsViewModel(private val core: HealthBookClient) : ViewModel() {
    private val mutable = MutableStateFlow(SessionsState())
    val state: StateFlow<SessionsState> = mutable

    init {
        work {
            val me = core.offline().me()
            val family = listOf(Registrant(null, me?.citizen?.fullName.orEmpty())) +
                core.offline().dependents().map { Registrant(it.citizen.citizenId, it.citizen.fullName) }
            mutable.update { it.copy(family = family, registrant = family.first()) }
        }
    }

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

    fun search(text: String) = work {
        val page = core.booking().searchFacilities(FacilityQuery(q = text, service = ServiceType.VACCINATION))
        mutable.update { it.copy(facilities = page.items) }
    }

    fun choose(facility: Facility) = work {
        val sessions = core.vaccination().sessions(facility.id, null, null)
        mutable.update { it.copy(facility = facility, sessions = sessions) }
    }

    fun registrant(who: Registrant) = mutable.update { it.copy(registrant = who) }

    fun register(session: VaccinationSession, vaccine: String) = work {
        val who = state.value.registrant ?: return@work
        val appointment = core.vaccination().register(session.id, RegisterForSessionRequest(who.citizenId, vaccine, null, null))
        val sessions = core.vaccination().sessions(session.facilityId, null, null)
        mutable.update {
            it.copy(sessions = sessions, message = UiMessage(R.string.sessions_registered, listOf(appointment.citizenName, appointment.queueNumber.toInt())))
        }
    }
}
