package vn.healthbook.app.book

import androidx.lifecycle.ViewModel
import androidx.lifecycle.viewModelScope
import java.time.LocalDate
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
import vn.healthbook.core.AccessLine
import vn.healthbook.core.ActionResult
import vn.healthbook.core.BookException
import vn.healthbook.core.BookOwner
import vn.healthbook.core.BookView
import vn.healthbook.core.BookWriteOutcome
import vn.healthbook.core.BookingOutcome
import vn.healthbook.core.followUpSlotQuery
import vn.healthbook.core.ChartPoint
import vn.healthbook.core.ConsentChoice
import vn.healthbook.core.ConsentDraft
import vn.healthbook.core.HealthBookClient
import vn.healthbook.domain.Administrative
import vn.healthbook.domain.BookEntry
import vn.healthbook.domain.Category
import vn.healthbook.domain.Consent
import vn.healthbook.domain.EntryBody
import vn.healthbook.domain.Facility
import vn.healthbook.domain.FacilityQuery
import vn.healthbook.domain.FollowUp
import vn.healthbook.domain.Slot
import vn.healthbook.domain.Observation
import vn.healthbook.domain.Practitioner
import vn.healthbook.domain.ObservationKind
import vn.healthbook.domain.Purpose
import vn.healthbook.domain.Section

/** A follow-up the book asks for, with the first free slot of its week (none: all taken). */
data class FollowUpOffer(val followUp: FollowUp, val slot: Slot?)

data class BookState(
    /** The books this account opens: the citizen's own, then each dependent's. */
    val owners: List<BookOwner> = emptyList(),
    val owner: BookOwner? = null,
    val book: BookView? = null,
    val chartKind: ObservationKind = ObservationKind.BLOOD_PRESSURE,
    val chart: List<ChartPoint> = emptyList(),
    val visit: BookEntry? = null,
    /** Returns the book's visits ask for and nobody booked yet, soonest first. */
    val followUps: List<FollowUpOffer> = emptyList(),
    val consents: List<Consent> = emptyList(),
    val log: List<AccessLine> = emptyList(),
    val logCursor: String? = null,
    // The grant screen: the terms, then the exact text, then the box the person ticks.
    val facilityText: String = "",
    val facilities: List<Facility> = emptyList(),
    /** The chosen facility's practitioners, one of whom a consent may name instead. */
    val practitioners: List<Practitioner> = emptyList(),
    val draft: ConsentDraft? = null,
    /** Never pre-ticked: only the person's own tap sets it. */
    val agreed: Boolean = false,
    val childAssent: Boolean = false,
    /** Section I as the server now holds it, after a change made on an older version. */
    val conflict: BookEntry? = null,
    val conflictAttempt: Administrative? = null,
    val problems: Map<String, String> = emptyMap(),
    val offline: Boolean = false,
    val busy: Boolean = false,
    val message: UiMessage? = null,
    val signedOut: Boolean = false,
)

class BookViewModel(private val core: HealthBookClient) : ViewModel() {
    private val mutable = MutableStateFlow(BookState())
    val state: StateFlow<BookState> = mutable

    init {
        run {
            val owners = core.book().owners()
            mutable.update { it.copy(owners = owners, owner = owners.firstOrNull()) }
            refresh()
        }
    }

    private val citizenId get() = mutable.value.owner?.citizenId

    fun chooseOwner(owner: BookOwner) {
        mutable.update { it.copy(owner = owner, book = null, consents = emptyList(), log = emptyList(), conflict = null) }
        run { refresh() }
    }

    /** Sends what waits, then reads the book (only what changed; the phone's copy offline). */
    fun reload() = run { refresh() }

    private suspend fun refresh() {
        val id = citizenId ?: return
        val synced = core.offline().sync()
        synced.outcomes.map { it.result }.filterIsInstance<ActionResult.VersionConflict>()
            .lastOrNull { it.citizenId == id }
            ?.let { conflict -> mutable.update { it.copy(conflict = conflict.current, conflictAttempt = conflict.attempted) } }
        val book = core.book().book(id)
        mutable.update { it.copy(book = book, offline = book.fromCache) }
        loadChart()
        loadFollowUps()
    }

    private suspend fun loadFollowUps() {
        val id = citizenId ?: return
        val offers = core.book().followUps(id).map { followUp ->
            val query = followUpSlotQuery(followUp).copy(available = true, limit = 1uL)
            val slot = if (mutable.value.offline) null else core.booking().slots(followUp.facilityId, query).items.firstOrNull()
            FollowUpOffer(followUp, slot)
        }
        mutable.update { it.copy(followUps = offers) }
    }

    /** Books the offered slot for the book's owner (a dependent's for a child's book): one tap. */
    fun bookFollowUp(offer: FollowUpOffer) = run {
        val slot = offer.slot ?: return@run
        val owner = mutable.value.owner ?: return@run
        when (core.booking().book(slot, if (owner.isSelf) null else owner.citizenId)) {
            is BookingOutcome.Booked -> mutable.update { it.copy(message = UiMessage(R.string.follow_up_booked)) }
            is BookingOutcome.Queued -> mutable.update { it.copy(message = UiMessage(R.string.booking_queued)) }
        }
        core.booking().appointments()
        loadFollowUps()
    }

    fun chartKind(kind: ObservationKind) {
        mutable.update { it.copy(chartKind = kind) }
        run { loadChart() }
    }

    private suspend fun loadChart() {
        val id = citizenId ?: return
        val chart = core.book().readingChart(id, mutable.value.chartKind)
        mutable.update { it.copy(chart = chart) }
    }

    /** Saves section I as left in the form; a change made on an older version shows the newer one. */
    fun saveProfile(section: Administrative, done: () -> Unit) = write {
        val id = citizenId ?: return@write
        try {
            announce(core.book().updateProfile(id, section))
            mutable.update { it.copy(conflict = null, conflictAttempt = null) }
            done()
        } catch (e: BookException.VersionConflict) {
            mutable.update { it.copy(conflict = e.current, conflictAttempt = section, message = UiMessage(R.string.book_conflict)) }
            refresh()
        }
    }

    /** Adds a history item, or queues it offline. */
    fun addHistory(body: EntryBody, done: () -> Unit) = write {
        val id = citizenId ?: return@write
        try {
            announce(core.book().addHistoryEntry(id, body))
            done()
        } catch (e: BookException.EntryExists) {
            // A kind held once was written meanwhile elsewhere: read it, so that its form corrects it.
            refresh()
            mutable.update { it.copy(message = e.toUiMessage()) }
        }
    }

    /**
     * Corrects an entry of a kind the book holds once (risk factors, reproductive health) with
     * its whole new body and a reason; needs the network. Changed elsewhere meanwhile, the
     * entry comes back at its newer version and the form shows it, to be changed again.
     */
    fun correctHistory(entry: BookEntry, body: EntryBody, reason: String, done: () -> Unit) = write {
        val id = citizenId ?: return@write
        try {
            core.book().correctEntry(id, entry, body, reason)
            val book = core.book().cachedBook(id)
            mutable.update { it.copy(book = book ?: it.book, message = UiMessage(R.string.book_saved), problems = emptyMap()) }
            done()
        } catch (e: BookException.VersionConflict) {
            val book = core.book().cachedBook(id)
            mutable.update { it.copy(book = book ?: it.book, message = UiMessage(R.string.history_conflict)) }
        }
    }

    fun addReading(reading: Observation, done: () -> Unit) = write {
        val id = citizenId ?: return@write
        announce(core.book().addReading(id, reading))
        done()
    }

    /** A form opens without the problems another form was shown. */
    fun clearProblems() = mutable.update { it.copy(problems = emptyMap()) }

    /** The form's problems by the book's rules, before anything is sent. */
    fun check(body: EntryBody): Boolean {
        val problems = problemsByField(core.book().validateEntry(body))
        mutable.update { it.copy(problems = problems) }
        return problems.isEmpty()
    }

    private suspend fun announce(outcome: BookWriteOutcome) {
        val text = when (outcome) {
            is BookWriteOutcome.Saved -> R.string.book_saved
            is BookWriteOutcome.Queued -> R.string.book_queued
        }
        mutable.update { it.copy(message = UiMessage(text), problems = emptyMap()) }
        val id = citizenId ?: return
        val book = core.book().cachedBook(id)
        mutable.update { it.copy(book = book ?: it.book) }
        loadChart()
    }

    fun openVisit(entry: BookEntry) = mutable.update { it.copy(visit = entry) }

    /** The visit as a PDF, handed to [save] (the place the person picked). */
    fun visitPdf(save: (ByteArray) -> Unit) = run {
        val id = citizenId ?: return@run
        val visit = mutable.value.visit ?: return@run
        save(core.book().visitPdf(id, visit.entryId))
    }

    fun bookPdf(save: (ByteArray) -> Unit) = run {
        val id = citizenId ?: return@run
        save(core.book().bookPdf(id))
    }

    fun loadConsents() = run {
        val id = citizenId ?: return@run
        val list = core.book().consents(id)
        mutable.update { it.copy(consents = list.items, offline = list.fromCache) }
    }

    fun facilityText(text: String) = mutable.update { it.copy(facilityText = text) }

    fun searchFacilities() = run {
        val page = core.booking().searchFacilities(FacilityQuery(q = mutable.value.facilityText.ifBlank { null }))
        mutable.update { it.copy(facilities = page.items) }
    }

    fun loadPractitioners(facility: Facility) = run {
        mutable.update { it.copy(practitioners = emptyList()) }
        val list = core.booking().practitioners(facility.id)
        mutable.update { it.copy(practitioners = list) }
    }

    /** Renders the exact text of the terms chosen; the box stays unticked. */
    fun prepareConsent(facility: Facility, practitioner: Practitioner?, purpose: Purpose, sections: List<Section>, categories: List<Category>, until: LocalDate) = run {
        val id = citizenId ?: return@run
        val draft = core.book().prepareConsent(id, ConsentChoice(facility, purpose, sections, categories, until, practitioner))
        mutable.update { it.copy(draft = draft, agreed = false, childAssent = false, problems = problemsByField(draft.issues)) }
    }

    fun agree(ticked: Boolean) = mutable.update { it.copy(agreed = ticked) }

    fun childAssent(ticked: Boolean) = mutable.update { it.copy(childAssent = ticked) }

    /** Grants the consent shown, only once the person ticked the box. */
    fun grant(done: () -> Unit) = write {
        val current = mutable.value
        val draft = current.draft ?: return@write
        if (!current.agreed) return@write
        val childAssent = if (current.owner?.isSelf == false) current.childAssent else null
        core.book().grantConsent(draft, childAssent)
        mutable.update { it.copy(draft = null, agreed = false, message = UiMessage(R.string.consent_granted)) }
        loadConsentsNow()
        done()
    }

    fun withdraw(consent: Consent) = run {
        val id = citizenId ?: return@run
        core.book().withdrawConsent(id, consent.id)
        mutable.update { it.copy(message = UiMessage(R.string.consent_withdrawn)) }
        loadConsentsNow()
    }

    private suspend fun loadConsentsNow() {
        val id = citizenId ?: return
        val list = core.book().consents(id)
        mutable.update { it.copy(consents = list.items) }
    }

    fun loadLog(more: Boolean = false) = run {
        val id = citizenId ?: return@run
        val page = core.book().accessLog(id, if (more) mutable.value.logCursor else null)
        mutable.update {
            it.copy(log = if (more) it.log + page.items else page.items, logCursor = page.nextCursor, offline = page.fromCache)
        }
    }

    /** A write whose field problems are shown beside their fields. */
    private fun write(work: suspend () -> Unit) = run {
        try {
            work()
        } catch (e: BookException.Common) {
            val problems = e.fieldProblems()
            if (problems.isEmpty()) throw e
            mutable.update { it.copy(problems = problems) }
        }
    }

    private fun run(work: suspend () -> Unit) {
        mutable.update { it.copy(busy = true, message = null) }
        viewModelScope.launch {
            try {
                work()
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
}
