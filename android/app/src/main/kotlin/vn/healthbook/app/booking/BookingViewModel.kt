package vn.healthbook.app.booking

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
import vn.healthbook.app.ui.common.isOffline
import vn.healthbook.app.ui.common.toUiMessage
import vn.healthbook.core.AdminUnit
import vn.healthbook.core.BookingException
import vn.healthbook.core.BookingOutcome
import vn.healthbook.core.HealthBookClient
import vn.healthbook.core.communes
import vn.healthbook.core.provinces
import vn.healthbook.domain.Appointment
import vn.healthbook.domain.AppointmentStatus
import vn.healthbook.domain.Dependent
import vn.healthbook.domain.Facility
import vn.healthbook.domain.FacilityQuery
import vn.healthbook.domain.ServiceType
import vn.healthbook.domain.Slot
import vn.healthbook.domain.SlotHold
import vn.healthbook.domain.SlotQuery
import vn.healthbook.domain.QueuePosition
import vn.healthbook.domain.SlotStatus
import vn.healthbook.domain.WaitlistEntry
import vn.healthbook.domain.WaitlistState

data class BookingState(
    // Search: the pickers are the core's, offline and accent-blind.
    val provinceQuery: String = "",
    val provinceChoices: List<AdminUnit> = emptyList(),
    val province: AdminUnit? = null,
    val communeQuery: String = "",
    val communeChoices: List<AdminUnit> = emptyList(),
    val commune: AdminUnit? = null,
    val text: String = "",
    val service: ServiceType = ServiceType.EXAMINATION,
    val facilities: List<Facility> = emptyList(),
    val nextCursor: String? = null,
    // The slot picker.
    val facility: Facility? = null,
    val slots: List<Slot> = emptyList(),
    /** For whom: null is the signed-in citizen, else a dependent's citizen id. */
    val forWhom: UUID? = null,
    val dependents: List<Dependent> = emptyList(),
    /** Set while choosing a new slot for this appointment. */
    val rescheduling: Appointment? = null,
    /** The place held for the chosen slot while the citizen confirms. */
    val held: SlotHold? = null,
    val heldSlot: Slot? = null,
    // Confirmation and the list.
    val confirmation: Appointment? = null,
    /** On the day: where the shown appointment stands in its queue. */
    val queue: QueuePosition? = null,
    val queuedSlot: Slot? = null,
    val appointments: List<Appointment> = emptyList(),
    /** The waitlists joined, with their positions and offers (online only). */
    val waitlist: List<WaitlistEntry> = emptyList(),
    val offline: Boolean = false,
    val busy: Boolean = false,
    val message: UiMessage? = null,
    val signedOut: Boolean = false,
) {
    val upcoming get() = appointments.filter { it.status == AppointmentStatus.BOOKED }
    val past get() = appointments.filter { it.status != AppointmentStatus.BOOKED }
}

class BookingViewModel(private val core: HealthBookClient) : ViewModel() {
    private val mutable = MutableStateFlow(BookingState(provinceChoices = provinces("")))
    val state: StateFlow<BookingState> = mutable

    init {
        viewModelScope.launch {
            mutable.update {
                it.copy(appointments = core.offline().appointments(), dependents = core.offline().dependents())
            }
        }
        loadAppointments()
    }

    fun provinceQuery(query: String) = mutable.update { it.copy(provinceQuery = query, provinceChoices = provinces(query)) }

    fun chooseProvince(unit: AdminUnit?) = mutable.update {
        it.copy(
            province = unit, provinceQuery = unit?.shortName.orEmpty(), commune = null, communeQuery = "",
            communeChoices = unit?.let { p -> communes(p.code, "", 50u) }.orEmpty(),
        )
    }

    fun communeQuery(query: String) = mutable.update {
        it.copy(communeQuery = query, communeChoices = communes(it.province?.code, query, 50u))
    }

    fun chooseCommune(unit: AdminUnit?) = mutable.update { it.copy(commune = unit, communeQuery = unit?.shortName.orEmpty()) }

    fun text(value: String) = mutable.update { it.copy(text = value) }

    fun service(value: ServiceType) = mutable.update { it.copy(service = value) }

    fun search(more: Boolean = false) = run {
        val current = mutable.value
        val page = core.booking().searchFacilities(
            FacilityQuery(
                q = current.text.ifBlank { null },
                province = current.province?.code,
                commune = current.commune?.code,
                service = current.service,
                bookable = true,
                cursor = if (more) current.nextCursor else null,
            ),
        )
        mutable.update {
            it.copy(facilities = if (more) it.facilities + page.items else page.items, nextCursor = page.nextCursor)
        }
    }

    /** Opens the slot picker of [facility]: the free slots of the coming week. */
    fun openFacility(facility: Facility) {
        mutable.update { it.copy(facility = facility, slots = emptyList()) }
        loadSlots()
    }

    fun loadSlots() = run {
        val facility = mutable.value.facility ?: return@run
        // Full slots too: their waitlist can be joined.
        val page = core.booking().slots(facility.id, SlotQuery(service = mutable.value.service, limit = 100uL))
        val now = java.time.Instant.now()
        mutable.update { state -> state.copy(slots = page.items.filter { it.status == SlotStatus.OPEN && it.startsAt.isAfter(now) }) }
    }

    fun forWhom(citizenId: UUID?) = mutable.update { it.copy(forWhom = citizenId) }

    /**
     * A slot tapped: its place is held while the citizen confirms ([confirmHeld]), so that
     * nobody takes it meanwhile. A move goes straight to [choose]; without network the
     * booking is queued as before, there being no place to hold.
     */
    fun pick(slot: Slot, done: () -> Unit) {
        if (mutable.value.rescheduling != null) return choose(slot, done)
        run {
            try {
                val hold = core.booking().hold(slot, mutable.value.forWhom)
                mutable.update { it.copy(held = hold, heldSlot = slot) }
            } catch (e: BookingException) {
                if (!e.isOffline()) throw e
                choose(slot, done)
            }
        }
    }

    /** Books the held slot: the booking takes the held place. */
    fun confirmHeld(done: () -> Unit) {
        val slot = mutable.value.heldSlot ?: return
        mutable.update { it.copy(held = null, heldSlot = null) }
        choose(slot, done)
    }

    /** Gives the held place back (the citizen picks another slot or leaves). */
    fun releaseHeld() {
        val hold = mutable.value.held ?: return
        mutable.update { it.copy(held = null, heldSlot = null) }
        run {
            core.booking().releaseHold(hold.id)
            loadSlots()
        }
    }

    /** Books [slot] (or moves the appointment being rescheduled to it); true when done. */
    fun choose(slot: Slot, done: () -> Unit) = run {
        val moving = mutable.value.rescheduling
        if (moving != null) {
            val moved = core.booking().reschedule(moving.id, slot)
            mutable.update { it.copy(confirmation = moved, queuedSlot = null, rescheduling = null) }
        } else {
            when (val outcome = core.booking().book(slot, mutable.value.forWhom)) {
                is BookingOutcome.Booked -> mutable.update { it.copy(confirmation = outcome.appointment, queuedSlot = null) }
                is BookingOutcome.Queued -> mutable.update {
                    it.copy(confirmation = null, queuedSlot = slot, message = UiMessage(R.string.booking_queued))
                }
            }
        }
        mutable.update { it.copy(appointments = core.offline().appointments()) }
        done()
    }

    fun startReschedule(appointment: Appointment, pickSlot: () -> Unit) {
        val facility = mutable.value.facilities.firstOrNull { it.id == appointment.facilityId }
        mutable.update { it.copy(rescheduling = appointment, service = appointment.service) }
        run {
            val shown = facility ?: core.booking().facility(appointment.facilityId)
            mutable.update { it.copy(facility = shown) }
            loadSlots()
            pickSlot()
        }
    }

    /** Joins the waitlist of a full slot, for the person chosen. */
    fun joinWaitlist(slot: Slot) = run {
        core.booking().joinWaitlist(slot, mutable.value.forWhom)
        mutable.update { it.copy(waitlist = core.booking().waitlist(), message = UiMessage(R.string.booking_waitlist_joined)) }
    }

    /** Books the place a waitlist offers. */
    fun bookOffer(entry: WaitlistEntry, done: () -> Unit) = run {
        val appointment = core.booking().bookOffer(entry)
        mutable.update {
            it.copy(confirmation = appointment, queuedSlot = null, appointments = core.offline().appointments(), waitlist = core.booking().waitlist())
        }
        done()
    }

    fun leaveWaitlist(entry: WaitlistEntry) = run {
        core.booking().leaveWaitlist(entry.id)
        mutable.update { it.copy(waitlist = core.booking().waitlist()) }
    }

    fun cancel(appointment: Appointment) = run {
        core.booking().cancel(appointment.id, null)
        mutable.update { it.copy(appointments = core.offline().appointments(), message = UiMessage(R.string.booking_cancelled)) }
    }

    fun show(appointment: Appointment) = mutable.update { it.copy(confirmation = appointment, queuedSlot = null, queue = null) }

    /** Reads where the shown appointment stands in its queue; the screen asks every half minute. */
    fun refreshQueue(appointment: Appointment) {
        viewModelScope.launch {
            val position = runCatching { core.booking().queuePosition(appointment.id) }.getOrNull()
            mutable.update { if (it.confirmation?.id == appointment.id) it.copy(queue = position) else it }
        }
    }

    /** Sends what was queued, then reads the appointments fresh (the cache when offline). */
    fun loadAppointments() = run {
        try {
            core.offline().sync()
            val fresh = core.booking().appointments()
            val waiting = core.booking().waitlist().filter { it.state == WaitlistState.WAITING || it.state == WaitlistState.OFFERED }
            mutable.update { it.copy(appointments = fresh, waitlist = waiting, offline = false) }
        } catch (e: BookingException) {
            if (!e.isOffline()) throw e
            mutable.update { it.copy(appointments = core.offline().appointments(), offline = true) }
        }
    }

    private fun run(work: suspend () -> Unit) {
        mutable.update { it.copy(busy = true, message = null) }
        viewModelScope.launch {
            try {
                work()
            } catch (e: Exception) {
                if (e.endsSession()) mutable.update { it.copy(signedOut = true) }
                else mutable.update { it.copy(message = e.toUiMessage()) }
            } finally {
                mutable.update { it.copy(busy = false) }
            }
        }
    }
}
