package vn.healthbook.jvmtest

import java.io.File
import java.time.Instant
import java.time.LocalDate
import java.util.UUID
import vn.healthbook.core.ActionResult
import vn.healthbook.core.BookingException
import vn.healthbook.core.BookingOutcome
import vn.healthbook.core.ClientConfig
import vn.healthbook.core.CommonError
import vn.healthbook.core.DependentOutcome
import vn.healthbook.core.HealthBookClient
import vn.healthbook.core.OfflineAction
import vn.healthbook.core.appointmentQr
import vn.healthbook.core.communes
import vn.healthbook.core.provinces
import vn.healthbook.domain.AddDependentRequest
import vn.healthbook.domain.Appointment
import vn.healthbook.domain.AppointmentStatus
import vn.healthbook.domain.Facility
import vn.healthbook.domain.FacilityQuery
import vn.healthbook.domain.HoldState
import vn.healthbook.domain.Lang
import vn.healthbook.domain.RegisterRequest
import vn.healthbook.domain.ServiceType
import vn.healthbook.domain.Sex
import vn.healthbook.domain.Slot
import vn.healthbook.domain.SlotQuery
import vn.healthbook.domain.WaitlistState

/**
 * A mother books examinations at a demo hospital through the bindings: finds it with the
 * province picker and an unaccented search, picks slots, books for herself and her son,
 * cancels, rebooks and reschedules; holds a place while confirming and gives one back;
 * joins the waitlist of a full slot and books the place it offers; then books with the
 * network cut and sees the queue settled after the app restarts — one booking went through,
 * one found its slot full.
 */
class BookingFlow(private val server: Server, private val work: File, private val report: Report) {
    private val mailbox = Mailbox(File(server.dataDir, "mail"))
    private val lanTokens = MemoryTokenStore()
    private val keys = MemoryKeyVault()
    private lateinit var lan: HealthBookClient
    private lateinit var son: UUID
    private lateinit var facility: Facility
    private lateinit var slots: List<Slot>
    private lateinit var mine: Appointment

    private fun config(name: String) =
        ClientConfig(server.baseUrl, File(work, "$name/healthbook.sqlite").path, Lang.EN, "JVM $name")

    private suspend fun citizen(name: String, tokens: MemoryTokenStore, email: String, nationalId: String): HealthBookClient {
        val client = HealthBookClient(config(name), tokens, keys)
        mailbox.skipExisting()
        client.auth().register(
            RegisterRequest(nationalId, "Trần Thị Lan", LocalDate.of(1990, 5, 17), Sex.FEMALE, email, "0912 345 678", Lang.VI),
        )
        client.auth().verifyEmail(email, mailbox.nextCode(email))
        return client
    }

    private suspend fun child(client: HealthBookClient, nationalId: String, name: String): UUID {
        val outcome = client.account().addDependent(AddDependentRequest(nationalId, name, LocalDate.of(2020, 3, 2), Sex.MALE))
        return (outcome as? DependentOutcome.Added)?.dependent?.citizen?.citizenId ?: throw CheckFailed("dependent $outcome")
    }

    private fun booked(outcome: BookingOutcome): Appointment =
        (outcome as? BookingOutcome.Booked)?.appointment ?: throw CheckFailed("not booked: $outcome")

    /** Free examination slots of the coming week that can still be cancelled (2 h cut-off). */
    private suspend fun freeSlots(client: HealthBookClient): List<Slot> {
        val page = client.booking().slots(facility.id, SlotQuery(service = ServiceType.EXAMINATION, available = true, limit = 100uL))
        val soonest = Instant.now().plusSeconds(3 * 3600)
        return page.items.filter { it.startsAt.isAfter(soonest) }
    }

    private suspend fun remainingOf(slot: Slot): UInt =
        lan.booking().slots(facility.id, SlotQuery(service = ServiceType.EXAMINATION, limit = 100uL))
            .items.firstOrNull { it.id == slot.id }?.remaining ?: throw CheckFailed("slot ${slot.id} not listed")

    suspend fun run() {
        report.check("booking_a_citizen_with_a_son_signs_in") {
            lan = citizen("lan", lanTokens, "lan.booking@example.vn", "001190000777")
            son = child(lan, "001220000123", "Nguyễn Minh Khôi")
        }
        report.check("province_and_commune_pickers_fold_diacritics_offline") {
            val hanoi = provinces("ha noi").first()
            expectEqual("01" to "Hà Nội", hanoi.code to hanoi.shortName, "province")
            val ward = communes(hanoi.code, "bach mai", 5u).firstOrNull() ?: throw CheckFailed("no commune")
            expectEqual("Phường Bạch Mai", ward.name, "commune")
        }
        report.check("an_unaccented_search_finds_the_demo_hospital") {
            val page = lan.booking().searchFacilities(FacilityQuery(q = "bach mai", province = "01", service = ServiceType.EXAMINATION))
            facility = page.items.firstOrNull { it.name.contains("Bạch Mai") } ?: throw CheckFailed("found ${page.items.map { it.name }}")
            expect(ServiceType.EXAMINATION in facility.services) { "services ${facility.services}" }
        }
        report.check("the_slot_picker_lists_free_slots_in_time_order") {
            slots = freeSlots(lan)
            expect(slots.size >= 3) { "${slots.size} free slots" }
            expect(slots.zipWithNext().all { (a, b) -> !a.startsAt.isAfter(b.startsAt) }) { "not in time order" }
            expect(slots.all { it.remaining > 0u }) { "a full slot listed as free" }
        }
        report.check("book_for_herself_and_her_son_with_a_qr_code_for_the_kiosk") {
            mine = booked(lan.booking().book(slots[0], null))
            val his = booked(lan.booking().book(slots[0], son))
            expectEqual(AppointmentStatus.BOOKED, mine.status, "status")
            expectEqual(son, his.citizenId, "the son's booking")
            expect(mine.queueNumber != his.queueNumber) { "one queue number for two people" }
            expectThrows<BookingException.AlreadyBooked>("the same slot twice") { lan.booking().book(slots[0], null) }
            val qr = appointmentQr(mine)
            expect(qr.modules.size.toUInt() == qr.size * qr.size) { "QR ${qr.size}" }
        }
        report.check("my_appointments_are_listed_and_cached") {
            val listed = lan.booking().appointments()
            expectEqual(2, listed.size, "appointments")
            expect(listed.any { it.id == mine.id } && listed.all { it.slotId == slots[0].id }) { "listed $listed" }
            expectEqual(listed, lan.offline().appointments(), "cached appointments")
        }
        report.check("cancel_an_appointment") {
            val cancelled = lan.booking().cancel(mine.id, "Bận việc")
            expectEqual(AppointmentStatus.CANCELLED, cancelled.status, "status")
            expect(lan.offline().appointments().any { it.id == mine.id && it.status == AppointmentStatus.CANCELLED }) { "cache not updated" }
        }
        report.check("book_again_and_reschedule_to_another_slot") {
            val again = booked(lan.booking().book(slots[0], null))
            val moved = lan.booking().reschedule(again.id, slots[1])
            expectEqual(again.id to slots[1].id, moved.id to moved.slotId, "moved appointment")
            val refused = expectCommon<CommonError.Refused>("moving to the slot it holds") { lan.booking().reschedule(moved.id, slots[1]) }
            expectEqual("same_slot", refused.code, "refusal")
            expectEqual("The appointment is already in this slot.", refused.userMessage(Lang.EN), "message")
        }
        report.check("a_place_held_while_confirming_is_booked_and_a_released_one_is_free_again") {
            val hold = lan.booking().hold(slots[1], son)
            expectEqual(HoldState.HELD, hold.state, "state")
            expect(hold.expiresAt.isAfter(Instant.now())) { "expires ${hold.expiresAt}" }
            expectEqual(hold.id, lan.booking().hold(slots[1], son).id, "asking again answers the same hold")
            val his = booked(lan.booking().book(slots[1], son))
            expectEqual(son to slots[1].id, his.citizenId to his.slotId, "booked from the hold")
            val before = remainingOf(slots[0])
            val mine = lan.booking().hold(slots[0], null)
            expectEqual(before - 1u, remainingOf(slots[0]), "a hold takes a place")
            expectEqual(HoldState.RELEASED, lan.booking().releaseHold(mine.id).state, "released")
            expectEqual(before, remainingOf(slots[0]), "the place is free again")
        }
        report.check("join_the_waitlist_of_a_full_slot_and_book_the_place_it_offers") {
            val full = freeSlots(lan).firstOrNull { it.remaining <= 3u && it.id != slots[0].id && it.id != slots[1].id }
                ?: throw CheckFailed("no slot of capacity 3")
            val hoa = citizen("hoa", MemoryTokenStore(), "hoa.booking@example.vn", "001190000666")
            val family = listOf(null, child(hoa, "001220000401", "Con Ba"), child(hoa, "001220000402", "Con Tư"))
            val taken = family.take(full.remaining.toInt()).map { booked(hoa.booking().book(full, it)) }
            expectThrows<BookingException.SlotFull>("a hold of a full slot") { lan.booking().hold(full, null) }
            val entry = lan.booking().joinWaitlist(full, null)
            expectEqual(WaitlistState.WAITING to 1u, entry.state to entry.position, "waiting first")
            hoa.booking().cancel(taken.first().id, null)
            hoa.close()
            val offered = lan.booking().waitlist().first { it.id == entry.id }
            expectEqual(WaitlistState.OFFERED, offered.state, "offered")
            val offer = offered.offer ?: throw CheckFailed("no offer")
            expect(offer.expiresAt.isAfter(Instant.now().plusSeconds(600))) { "offer until ${offer.expiresAt}" }
            val booking = lan.booking().bookOffer(offered)
            expectEqual(full.id, booking.slotId, "booked from the offer")
            expectEqual(WaitlistState.BOOKED, lan.booking().waitlist().first { it.id == entry.id }.state, "entry")
        }
        lateinit var contested: Slot
        lateinit var free: Slot
        report.check("bookings_made_with_the_network_cut_are_queued_with_their_keys") {
            val fresh = freeSlots(lan)
            contested = fresh.firstOrNull { it.remaining <= 3u && it.id != slots[0].id && it.id != slots[1].id }
                ?: throw CheckFailed("no slot of capacity 3")
            free = fresh.first { it.id != contested.id && it.id != slots[0].id && it.id != slots[1].id }
            server.stop()
            val first = lan.booking().book(contested, null) as? BookingOutcome.Queued ?: throw CheckFailed("not queued")
            expect((first.action.action as OfflineAction.BookAppointment).slot.id == contested.id) { "queued slot" }
            lan.booking().book(free, son) as? BookingOutcome.Queued ?: throw CheckFailed("not queued")
            expectEqual(2, lan.offline().pending().size, "pending")
            expectEqual(2u, lan.offline().sync().remaining, "still queued while offline")
            expectCommon<CommonError.Offline>("a search while offline") { lan.booking().searchFacilities(FacilityQuery()) }
        }
        report.check("after_a_restart_the_queue_settles_as_slot_full_and_booked") {
            server.start()
            // Meanwhile another family takes every place of the contested slot.
            val dung = citizen("dung", MemoryTokenStore(), "dung.booking@example.vn", "001190000888")
            val family = listOf(null, child(dung, "001220000301", "Con Một"), child(dung, "001220000302", "Con Hai"))
            family.take(contested.remaining.toInt()).forEach { booked(dung.booking().book(contested, it)) }
            dung.close()
            lan.close()
            lan = HealthBookClient(config("lan"), lanTokens, keys)
            val report = lan.offline().sync()
            expectEqual(0u, report.remaining, "left in the queue")
            val results = report.outcomes.map { it.result }
            expect(results[0] is ActionResult.SlotFull) { "first: ${results[0]}" }
            val booking = (results[1] as? ActionResult.Booked)?.appointment ?: throw CheckFailed("second: ${results[1]}")
            expectEqual(son to free.id, booking.citizenId to booking.slotId, "the queued booking")
            expect(lan.offline().appointments().any { it.id == booking.id }) { "not cached" }
            lan.close()
        }
    }
}
