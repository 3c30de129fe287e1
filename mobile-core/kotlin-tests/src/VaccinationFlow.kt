package vn.healthbook.jvmtest

import java.io.File
import java.time.Duration
import java.time.LocalDate
import java.time.ZoneId
import java.time.ZonedDateTime
import java.util.UUID
import vn.healthbook.core.ActionResult
import vn.healthbook.core.BookWriteOutcome
import vn.healthbook.core.ClientConfig
import vn.healthbook.core.DependentOutcome
import vn.healthbook.core.DoseConflict
import vn.healthbook.core.DoseOutcome
import vn.healthbook.core.HealthBookClient
import vn.healthbook.core.InputException
import vn.healthbook.core.OfflineAction
import vn.healthbook.core.SoftPasskey
import vn.healthbook.core.VaccinationException
import vn.healthbook.core.appointmentQr
import vn.healthbook.domain.AddDependentRequest
import vn.healthbook.domain.Address
import vn.healthbook.domain.Administrative
import vn.healthbook.domain.AdministerRequest
import vn.healthbook.domain.Appointment
import vn.healthbook.domain.AppointmentStatus
import vn.healthbook.domain.EntryBody
import vn.healthbook.domain.FacilityQuery
import vn.healthbook.domain.Lang
import vn.healthbook.domain.Programme
import vn.healthbook.domain.ReactionReport
import vn.healthbook.domain.ReactionSeverity
import vn.healthbook.domain.RegisterForSessionRequest
import vn.healthbook.domain.RegisterRequest
import vn.healthbook.domain.ScreeningAnswer
import vn.healthbook.domain.ScreeningAnswers
import vn.healthbook.domain.ScreeningGroup
import vn.healthbook.domain.SeriousFlags
import vn.healthbook.domain.Sex
import vn.healthbook.domain.TargetDisease

/**
 * The issue's flow on the JVM, through the bindings: a mother registers her baby for a
 * session at the commune health station (a dose the schedule refuses names its first day);
 * the station's vaccinator prepares the day (with the session's targets: the baby living in
 * the commune it serves), scans the appointment QR, sees the checklist of the baby's age, the
 * due antigens and the lots, and records the dose with the network cut; back online, the
 * sync records it once; the dose is in the baby's book and the next dose is proposed. A
 * second dose queued offline from a lot quarantined meanwhile comes back as that conflict.
 * From the dose in her baby's book, the mother reports a reaction: a mild one, then a
 * hospitalisation, which is serious.
 *
 * The server runs on the session's day: 08:00 tomorrow in Việt Nam (`serverClock`), so that
 * the flow never depends on the hour it runs at.
 */
class VaccinationFlow(private val server: Server, private val work: File, private val report: Report) {
    companion object {
        private val VIETNAM: ZoneId = ZoneId.of("Asia/Ho_Chi_Minh")

        /** The day of the session, in Việt Nam. */
        val sessionDay: LocalDate = ZonedDateTime.now(VIETNAM).toLocalDate().plusDays(1)

        /** The server's clock, moved to 08:00 on the session's day. */
        fun serverClock(): Map<String, String> {
            val at = sessionDay.atTime(8, 0).atZone(VIETNAM)
            val offset = Duration.between(ZonedDateTime.now(VIETNAM), at).seconds
            return mapOf("HEALTHBOOK_CLOCK_OFFSET" to offset.toString())
        }

        /** The commune health station of Phường Kim Liên, which vaccinates. */
        private const val KIM_LIEN = "01290"

        /** Phường Kim Liên, the commune the station (and its fixed sessions) serves. */
        private const val KIM_LIEN_COMMUNE = "00226"
    }

    private val mailbox = Mailbox(File(server.dataDir, "mail"))
    private val email = "mai.vaccination@example.vn"
    private val keys = MemoryKeyVault()
    private val passkey = SoftPasskey(server.origin)
    private lateinit var mai: HealthBookClient
    private lateinit var vaccinator: HealthBookClient
    private lateinit var vaccinatorStaff: StaffAccount
    private lateinit var adminToken: String
    private lateinit var fid: UUID
    private lateinit var sessionId: UUID
    private lateinit var baby: UUID
    private lateinit var twin: UUID
    private lateinit var babyVisit: Appointment
    private lateinit var twinVisit: Appointment
    private lateinit var lot: UUID
    private lateinit var spareLot: UUID

    private fun config(name: String) =
        ClientConfig(server.baseUrl, File(work, "$name/healthbook.sqlite").path, Lang.EN, "JVM $name")

    /** A staff member of [facilityCode] with [role], enrolled with a passkey over HTTP. */
    private fun staff(role: String, facilityCode: String) =
        StaffAccount.enrol(server, "$role.$facilityCode@staff.healthbook.vn", "Phạm Thị Hoa", role, facilityCode)

    /** Receives [doses] of a new lot of penta at the station; its id. */
    private fun receive(lotNumber: String, doses: Int): UUID {
        val (status, body) = server.call(
            "POST", "/v1/facilities/$fid/stock", adminToken,
            """{"kind":"receipt","doses":$doses,"lot":{"vaccine":"penta","product":"ComBE Five","manufacturer":"Biological E",""" +
                """"lot_number":"$lotNumber","expires_on":"${sessionDay.plusDays(300)}","doses_per_vial":1,"vvm_stage":1},""" +
                """"reason":"Phiếu nhập kho 2026/12"}""",
        )
        expectEqual(201, status, "receipt ($body)")
        return UUID.fromString(Json.string(body, "lot_id"))
    }

    /** A baby of Mai's, born [days] days before the session; the child's citizen id. */
    private suspend fun baby(name: String, days: Long, serial: Int): UUID {
        val born = sessionDay.minusDays(days)
        // 001 (Hà Nội), 2 (a boy born in the 2000s), the year, a serial.
        val nationalId = "0012%02d%06d".format(born.year % 100, 770000 + serial)
        val outcome = mai.account().addDependent(AddDependentRequest(nationalId, name, born, Sex.MALE))
        return (outcome as? DependentOutcome.Added)?.dependent?.citizen?.citizenId ?: throw CheckFailed("dependent $outcome")
    }

    private suspend fun register(child: UUID, vaccine: String): Appointment =
        mai.vaccination().register(sessionId, RegisterForSessionRequest(child, vaccine, null, null))

    /** Every item of the child's checklist answered no, at 36.8 °C. */
    private fun healthyChild(): ScreeningAnswers {
        val questions = vaccinator.vaccinator().screeningChecklist(ScreeningGroup.CHILD)
        expect(questions.any { it.item == "temperature" }) { "no temperature item in $questions" }
        expect(questions.all { it.question.isNotBlank() }) { "a question without words" }
        val answers = questions.filter { it.item != "temperature" }.map { ScreeningAnswer(it.item, false) }
        return ScreeningAnswers(ScreeningGroup.CHILD, 368.toUShort(), answers)
    }

    private fun dose(visit: Appointment, lotId: UUID, screening: ScreeningAnswers) = AdministerRequest(
        citizenId = null,
        appointmentCode = visit.code,
        vaccine = "penta",
        product = null,
        lotId = lotId,
        doseNumber = null,
        site = "left_thigh",
        route = "intramuscular",
        programme = Programme.EXPANDED,
        screening = screening,
        // The phone's own clock is on today, the server's on the session's day: the dose names
        // its day, as a phone on that day would (the core fills in its own date otherwise).
        givenOn = sessionDay,
    )

    suspend fun run() {
        report.check("vaccination_the_station_opens_a_session_with_two_lots") {
            adminToken = staff("facility_admin", KIM_LIEN).signIn()
            mai = HealthBookClient(config("mai"), MemoryTokenStore(), keys)
            val found = mai.booking().searchFacilities(FacilityQuery(q = "Kim Liên"))
            fid = found.items.firstOrNull { it.code == KIM_LIEN }?.id ?: throw CheckFailed("found ${found.items.map { it.name }}")
            val (status, body) = server.call(
                "POST", "/v1/facilities/$fid/vaccination-sessions", adminToken,
                """{"kind":"fixed","date":"$sessionDay","start":"09:00","end":"10:00","slot_minutes":30,"capacity":10,"vaccines":["penta","mr"]}""",
            )
            expectEqual(201, status, "session ($body)")
            sessionId = UUID.fromString(Json.string(body, "id"))
            lot = receive("CBF-0001", 10)
            spareLot = receive("CBF-0002", 5)
        }
        report.check("vaccination_a_mother_registers_her_baby_and_a_dose_too_early_names_its_day") {
            mailbox.skipExisting()
            mai.auth().register(RegisterRequest("001192000661", "Nguyễn Thị Mai", LocalDate.of(1992, 4, 9), Sex.FEMALE, email, "0912 345 661", Lang.VI))
            mai.auth().verifyEmail(email, mailbox.nextCode(email))
            val creation = mai.auth().startPasskeyRegistration("JVM phone")
            mai.auth().finishPasskeyRegistration(creation.ceremonyId, passkey.register(creation.requestJson))
            mai.auth().signOut(false)
            val request = mai.auth().startPasskeySignIn(null)
            mai.auth().finishPasskeySignIn(request.ceremonyId, passkey.authenticate(request.requestJson))
            baby = baby("Bé Minh", 65, 1)
            twin = baby("Bé Khang", 65, 2)
            // Minh's section I places him in Phường Kim Liên: the session's targets list him.
            // Khang's is empty, so no commune's list holds him.
            mai.book().book(baby)
            val home = Administrative(
                bloodGroup = null, ethnicity = null, nationality = null, occupation = null, education = null,
                insuranceNumber = null, householdCode = null, relationToHead = null, permanentAddress = null,
                currentAddress = Address(KIM_LIEN_COMMUNE, "Số 1, ngõ 2"), phone = null,
                emergencyContacts = emptyList(), parents = emptyList(), reviewedOn = null,
            )
            mai.book().updateProfile(baby, home) as? BookWriteOutcome.Saved ?: throw CheckFailed("section I not saved")
            val sessions = mai.vaccination().sessions(fid, null, null)
            val session = sessions.singleOrNull { it.id == sessionId } ?: throw CheckFailed("sessions $sessions")
            expectEqual(listOf("penta", "mr"), session.vaccines, "vaccines offered")
            expect(session.remaining > 0u) { "no free place: $session" }
            // Measles-rubella waits for nine months: refused, naming the first day.
            try {
                register(baby, "mr")
                throw CheckFailed("a dose at two months of MR was registered")
            } catch (e: VaccinationException.DoseRefused) {
                val tooEarly = e.conflict as? DoseConflict.TooEarly ?: throw CheckFailed("conflict ${e.conflict}")
                val earliest = tooEarly.earliest ?: throw CheckFailed("no earliest day")
                expect(earliest.isAfter(sessionDay.plusDays(150))) { "earliest $earliest" }
            }
            babyVisit = register(baby, "penta")
            expectEqual("penta", babyVisit.vaccine, "the appointment's vaccine")
            expectEqual(baby, babyVisit.citizenId, "whose appointment")
            twinVisit = register(twin, "penta")
            expect(mai.offline().appointments().any { it.id == babyVisit.id }) { "the registration is not cached" }
        }
        report.check("vaccination_the_vaccinator_prepares_the_day_and_opens_the_visit_from_the_qr") {
            vaccinatorStaff = staff("vaccinator", KIM_LIEN)
            vaccinator = HealthBookClient(config("vaccinator"), MemoryTokenStore(), keys)
            val request = vaccinator.auth().startPasskeySignIn(vaccinatorStaff.email)
            vaccinator.auth().finishPasskeySignIn(request.ceremonyId, vaccinatorStaff.key.authenticate(request.requestJson))
            val day = vaccinator.vaccinator().prepareDay(fid, sessionDay)
            expectEqual(setOf(babyVisit.id, twinVisit.id), day.appointments.map { it.id }.toSet(), "the day's appointments")
            expect(day.lots.map { it.lotId }.containsAll(listOf(lot, spareLot))) { "lots ${day.lots}" }
            // The session's targets, kept for a site without network: Minh, due for penta.
            val listed = day.targets.firstOrNull { it.citizenId == baby }
                ?: throw CheckFailed("targets ${day.targets.map { it.fullName }}")
            expect(listed.antigens.any { it.antigen == TargetDisease.DIPHTHERIA }) { "antigens ${listed.antigens}" }
            expect(day.targets.none { it.citizenId == twin }) { "the twin lives in no commune yet is listed" }
            // The QR Mai shows, as the camera reads it.
            expect(appointmentQr(babyVisit).size > 0u) { "no QR" }
            for (visit in listOf(babyVisit, twinVisit)) {
                val opened = vaccinator.vaccinator().openVisit(fid, "HBAPPT:${visit.code.replace("-", "")}")
                expectEqual(visit.id, opened.appointment.id, "the scanned appointment")
                expectEqual(AppointmentStatus.CHECKED_IN, opened.appointment.status, "checked in by the scan")
                expectEqual(ScreeningGroup.CHILD, opened.screeningGroup, "the checklist of a two-month-old")
                val due = opened.due ?: throw CheckFailed("no due list for ${visit.citizenName}")
                val diphtheria = due.lines.first { it.due.antigen == TargetDisease.DIPHTHERIA }
                expectEqual(1u, diphtheria.due.nextDose, "the first penta dose is due")
                expectEqual(setOf(lot, spareLot), opened.lots.map { it.lotId }.toSet(), "usable lots of penta")
            }
        }
        lateinit var screening: ScreeningAnswers
        report.check("vaccination_doses_recorded_without_network_are_queued_with_their_keys") {
            screening = healthyChild()
            server.stop()
            val offline = vaccinator.vaccinator().openVisit(fid, babyVisit.code)
            expect(offline.fromCache) { "not from the day's copy" }
            expectEqual(ScreeningGroup.CHILD, offline.screeningGroup, "the checklist offline")
            val first = vaccinator.vaccinator().recordDose(dose(babyVisit, lot, screening))
            val queued = first as? DoseOutcome.Queued ?: throw CheckFailed("not queued: $first")
            expectEqual(null, queued.warning, "the phone sees nothing wrong")
            val second = vaccinator.vaccinator().recordDose(dose(twinVisit, spareLot, screening))
            second as? DoseOutcome.Queued ?: throw CheckFailed("not queued: $second")
            val pending = vaccinator.offline().pending()
            expectEqual(2, pending.size, "queued doses")
            val names = pending.map { (it.action as? OfflineAction.RecordDose)?.citizenName }
            expectEqual(listOf(babyVisit.citizenName, twinVisit.citizenName), names, "the waiting lines name the babies")
            expectEqual(2u, vaccinator.offline().sync().remaining, "still queued while offline")
        }
        report.check("vaccination_back_online_the_sync_records_the_dose_once_and_types_the_quarantined_lot") {
            server.start()
            // Meanwhile the fridge holding the spare lot failed: the lot is quarantined.
            val (status, body) = server.call(
                "POST", "/v1/facilities/$fid/stock", adminToken,
                """{"kind":"incident","lot_ids":["$spareLot"],"reason":"Tủ lạnh mất điện 3 giờ"}""",
            )
            expect(status in 200..201) { "incident $status ($body)" }
            val synced = vaccinator.offline().sync()
            expectEqual(0u, synced.remaining, "left in the queue")
            val recorded = synced.outcomes[0].result as? ActionResult.DoseRecorded
                ?: throw CheckFailed("outcomes ${synced.outcomes}")
            expectEqual(baby, recorded.administered.dose.citizenId, "whose dose")
            val next = recorded.administered.next ?: throw CheckFailed("no next dose proposed")
            expectEqual(2u, next.doseNumber, "the next dose")
            expect(next.earliest.isAfter(sessionDay)) { "next dose on ${next.earliest}" }
            val refused = synced.outcomes[1].result as? ActionResult.DoseRefused
                ?: throw CheckFailed("outcomes ${synced.outcomes}")
            expectEqual(DoseConflict.LotQuarantined, refused.conflict, "the typed conflict")
            val again = vaccinator.offline().sync()
            expectEqual(0, again.outcomes.size, "a second sync sends nothing")
        }
        report.check("vaccination_the_dose_is_in_the_babys_book_and_the_next_dose_is_proposed") {
            val view = mai.vaccination().due(baby)
            expect(!view.fromCache) { "not fresh" }
            val doses = view.doses.filter { it.body is vn.healthbook.domain.EntryBody.Immunization }
            expectEqual(1, doses.size, "one dose in section III, not two")
            val diphtheria = view.lines.first { it.due.antigen == TargetDisease.DIPHTHERIA }
            expect(diphtheria.standing.isNotBlank()) { "no words for the line" }
            // The phone counts from its own date, which here is the day before the session's:
            // the server's due list, on the session's day, counts the dose and proposes the next.
            val token = vaccinatorStaff.signIn()
            val (status, due) = server.call("GET", "/v1/citizens/$baby/immunizations/due", token)
            expectEqual(200, status, "the server's due list ($due)")
            val line = Regex(
                "\"antigen\":\"diphtheria\",\"standing\":\\{[^}]*\\},\"doses_counted\":(\\d+),\"doses_needed\":\\d+,\"next_dose\":(\\d+)",
            ).find(due) ?: throw CheckFailed("no diphtheria line: $due")
            expectEqual("1", line.groupValues[1], "doses counted")
            expectEqual("2", line.groupValues[2], "next dose")
            val twinView = mai.vaccination().due(twin)
            expectEqual(0, twinView.doses.size, "the refused dose wrote nothing")
            // And offline, from the phone's copy.
            server.stop()
            val cached = mai.vaccination().due(baby)
            expect(cached.fromCache) { "not from the phone's copy" }
            expectEqual(1, cached.doses.size, "the dose offline")
            server.start()
        }
        report.check("vaccination_the_mother_reports_a_reaction_from_the_dose_and_a_hospitalisation_is_serious") {
            val view = mai.vaccination().familyDue().firstOrNull { it.citizen.citizenId == baby }
                ?: throw CheckFailed("the baby is not in the family's vaccinations")
            val entry = view.doses.singleOrNull { it.body is EntryBody.Immunization && !it.provenance.selfReported }
                ?: throw CheckFailed("doses ${view.doses}")
            val symptoms = mai.vaccination().reactionSymptoms()
            expect(symptoms.isNotEmpty()) { "no symptom to choose from" }
            // The client speaks English: the names are the list's English ones.
            expectEqual("Fever", symptoms.firstOrNull { it.code == "fever" }?.name, "the name of fever")
            val codes = symptoms.map { it.code }.filter { it == "fever" || it == "injection_site_reaction" }
            expectEqual(2, codes.size, "two codes picked from $codes")
            // The phone reads the onset against its own day, the day before the session's.
            val phoneToday = ZonedDateTime.now(VIETNAM).toLocalDate()
            expectEqual(phoneToday, mai.vaccination().reactionOnset(phoneToday.toString(), phoneToday.minusDays(2)), "the onset read")
            try {
                mai.vaccination().reactionOnset(phoneToday.plusDays(1).toString(), phoneToday)
                throw CheckFailed("an onset after today was read")
            } catch (e: InputException.Invalid) {
                expectEqual("onset_on" to "onset_out_of_range", e.issue.field to e.issue.code, "the refused onset")
            }
            // The server's day is the session's, the dose's own: the reaction began that day.
            val noFlags = SeriousFlags(hospitalised = false, lifeThreatening = false, death = false)
            val mild = mai.vaccination().reportReaction(
                entry.entryId, ReactionReport(sessionDay, codes, ReactionSeverity.MILD, noFlags, null),
            )
            expect(!mild.serious) { "a mild fever reported as serious: $mild" }
            expectEqual(baby, mild.citizenId, "whose reaction")
            expectEqual("guardian", mild.reporterRole, "who reported it")
            expectEqual(codes, mild.symptoms, "the symptoms recorded")
            val admitted = mai.vaccination().reportReaction(
                entry.entryId,
                ReactionReport(sessionDay, codes, ReactionSeverity.SEVERE, noFlags.copy(hospitalised = true), "Nhập viện huyện"),
            )
            expect(admitted.serious) { "a hospitalisation not serious: $admitted" }
            expect(admitted.flags.hospitalised) { "the flag was lost: $admitted" }
            mai.close()
            vaccinator.close()
        }
    }
}
