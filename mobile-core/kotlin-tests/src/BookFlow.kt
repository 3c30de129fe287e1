package vn.healthbook.jvmtest

import java.io.File
import java.time.Instant
import java.time.LocalDate
import java.util.UUID
import vn.healthbook.core.ActionResult
import vn.healthbook.core.BookException
import vn.healthbook.core.BookWriteOutcome
import vn.healthbook.core.ClientConfig
import vn.healthbook.core.CommonError
import vn.healthbook.core.ConsentChoice
import vn.healthbook.core.HealthBookClient
import vn.healthbook.core.OfflineAction
import vn.healthbook.core.SoftPasskey
import vn.healthbook.core.readingUnits
import vn.healthbook.domain.Abo
import vn.healthbook.domain.ActivityLevel
import vn.healthbook.domain.Administrative
import vn.healthbook.domain.Allergy
import vn.healthbook.domain.AllergyKind
import vn.healthbook.domain.BloodGroup
import vn.healthbook.domain.BookEntry
import vn.healthbook.domain.ConsentStatus
import vn.healthbook.domain.Contact
import vn.healthbook.domain.EntryBody
import vn.healthbook.domain.Facility
import vn.healthbook.domain.FacilityQuery
import vn.healthbook.domain.Kinship
import vn.healthbook.domain.Lang
import vn.healthbook.domain.Observation
import vn.healthbook.domain.ObservationKind
import vn.healthbook.domain.Purpose
import vn.healthbook.domain.RegisterRequest
import vn.healthbook.domain.Rh
import vn.healthbook.domain.RiskFactors
import vn.healthbook.domain.Section
import vn.healthbook.domain.Severity
import vn.healthbook.domain.Sex
import vn.healthbook.domain.UseStatus

/**
 * A citizen keeps her health book on the phone: fills section I, adds an allergy, takes
 * blood-pressure readings with the network cut and sees them synced; consents to a hospital
 * where she is referred, on the exact text the server records; a doctor there reads the
 * book, she reads that in her access log, withdraws, and the doctor is refused. Then a
 * tablet and the phone change section I from the same version: the phone's queued change
 * comes back as a typed conflict carrying the tablet's version.
 */
class BookFlow(private val server: Server, private val work: File, private val report: Report) {
    private val mailbox = Mailbox(File(server.dataDir, "mail"))
    private val email = "lan.book@example.vn"
    private val tokens = MemoryTokenStore()
    private val keys = MemoryKeyVault()
    private val passkey = SoftPasskey(server.origin)
    private lateinit var lan: HealthBookClient
    private lateinit var cid: UUID
    private lateinit var hospital: Facility
    private lateinit var consentId: UUID
    private lateinit var doctorToken: String

    private fun config(name: String) =
        ClientConfig(server.baseUrl, File(work, "$name/healthbook.sqlite").path, Lang.EN, "JVM $name")

    private fun section(occupation: String?) = Administrative(
        bloodGroup = BloodGroup(Abo.O, Rh.POSITIVE),
        ethnicity = "Kinh",
        nationality = "VN",
        occupation = occupation,
        education = null,
        insuranceNumber = "dn 4010123456789",
        householdCode = null,
        relationToHead = null,
        permanentAddress = null,
        currentAddress = null,
        phone = "0912345678",
        emergencyContacts = listOf(Contact("Nguyễn Văn Nam", Kinship.SPOUSE, "0987654321")),
        parents = emptyList(),
        reviewedOn = null,
    )

    private fun pressure(systolic: Double, diastolic: Double, minutesAgo: Long) = Observation(
        kind = ObservationKind.BLOOD_PRESSURE,
        value = systolic,
        secondValue = diastolic,
        unit = readingUnits(ObservationKind.BLOOD_PRESSURE).first(),
        takenAt = Instant.now().minusSeconds(minutesAgo * 60),
        note = null,
    )

    private fun saved(outcome: BookWriteOutcome): BookEntry =
        (outcome as? BookWriteOutcome.Saved)?.entry ?: throw CheckFailed("not saved: $outcome")

    private suspend fun signInWithPasskey(client: HealthBookClient) {
        val request = client.auth().startPasskeySignIn(null)
        client.auth().finishPasskeySignIn(request.ceremonyId, passkey.authenticate(request.requestJson))
    }

    /** A doctor of [facilityCode], made with `healthbook create-staff`, signed in with a passkey over HTTP. */
    private fun doctor(facilityCode: String): String =
        StaffAccount.enrol(server, "bac.si.$facilityCode@staff.healthbook.vn", "Lê Văn Bác", "doctor", facilityCode).signIn()

    suspend fun run() {
        report.check("book_a_citizen_signs_in_with_a_passkey") {
            lan = HealthBookClient(config("lan"), tokens, keys)
            mailbox.skipExisting()
            lan.auth().register(
                RegisterRequest("001190000555", "Trần Thị Lan", LocalDate.of(1990, 5, 17), Sex.FEMALE, email, "0912 345 678", Lang.VI),
            )
            lan.auth().verifyEmail(email, mailbox.nextCode(email))
            val creation = lan.auth().startPasskeyRegistration("JVM phone")
            lan.auth().finishPasskeyRegistration(creation.ceremonyId, passkey.register(creation.requestJson))
            lan.auth().signOut(false)
            signInWithPasskey(lan)
            cid = lan.account().me().citizen?.citizenId ?: throw CheckFailed("no citizen")
            val owners = lan.book().owners()
            expectEqual(listOf(cid to true), owners.map { it.citizenId to it.isSelf }, "books this account opens")
        }
        report.check("section_one_is_checked_by_the_domains_rules_then_saved") {
            val empty = lan.book().book(cid)
            expect(empty.administrative == null && !empty.fromCache) { "a new book: $empty" }
            val wrong = section("Giáo viên").copy(insuranceNumber = "12")
            val issues = lan.book().validateEntry(EntryBody.Administrative(wrong))
            expect(issues.any { it.field == "insurance_number" }) { "issues $issues" }
            expectCommon<CommonError.InvalidInput>("saving a wrong insurance number") { lan.book().updateProfile(cid, wrong) }
            val entry = saved(lan.book().updateProfile(cid, section("Giáo viên")))
            expectEqual(1u, entry.version, "version")
            val stored = (entry.body as EntryBody.Administrative).v1
            expectEqual("DN4010123456789", stored.insuranceNumber, "insurance number as the rules write it")
            expect(entry.provenance.selfReported) { "not marked self-reported" }
        }
        report.check("a_history_item_is_added_and_read_back_in_its_section") {
            val allergy = Allergy(AllergyKind.DRUG, "Penicillin", "Nổi mề đay", Severity.MODERATE)
            val entry = saved(lan.book().addHistoryEntry(cid, EntryBody.Allergy(allergy)))
            expectEqual(Section.HISTORY, entry.section, "section")
            val book = lan.book().book(cid)
            expectEqual(listOf(entry.entryId), book.history.map { it.entryId }, "history")
            expectEqual(1u, book.administrative?.version, "section I")
        }
        report.check("risk_factors_are_held_once_and_changed_by_a_correction_with_a_reason") {
            val first = saved(
                lan.book().addHistoryEntry(
                    cid,
                    EntryBody.RiskFactors(RiskFactors(null, UseStatus.REGULAR, UseStatus.OCCASIONAL, null, ActivityLevel.LOW)),
                ),
            )
            try {
                lan.book().addHistoryEntry(cid, EntryBody.RiskFactors(RiskFactors(null, UseStatus.NEVER, null, null, null)))
                throw CheckFailed("a second risk-factors entry was accepted")
            } catch (e: BookException.EntryExists) {
                // The form switches to correcting the one entry.
            }
            val quit = RiskFactors(null, UseStatus.FORMER, UseStatus.OCCASIONAL, null, ActivityLevel.MODERATE)
            val corrected = lan.book().correctEntry(cid, first, EntryBody.RiskFactors(quit), "Đã bỏ thuốc lá")
            expectEqual(2u, corrected.version, "version")
            val held = lan.book().book(cid).history.filter { it.body is EntryBody.RiskFactors }
            expectEqual(listOf(2u), held.map { it.version }, "one entry, corrected")
        }
        report.check("readings_taken_offline_wait_in_the_queue_and_chart_as_pending") {
            server.stop()
            val copy = lan.book().book(cid)
            expect(copy.fromCache) { "not read from the phone's copy" }
            expectEqual(2, copy.history.size, "history offline")
            listOf(pressure(135.0, 85.0, 90), pressure(128.0, 82.0, 30)).forEach { reading ->
                lan.book().addReading(cid, reading) as? BookWriteOutcome.Queued ?: throw CheckFailed("not queued")
            }
            val impossible = pressure(400.0, 80.0, 5)
            expectCommon<CommonError.InvalidInput>("an impossible reading") { lan.book().addReading(cid, impossible) }
            val pending = lan.offline().pending()
            expectEqual(2, pending.size, "queued readings")
            expect(pending.all { it.action is OfflineAction.AddReading }) { "queued $pending" }
            val chart = lan.book().readingChart(cid, ObservationKind.BLOOD_PRESSURE)
            expectEqual(listOf(135.0 to true, 128.0 to true), chart.map { it.value to it.pending }, "chart offline")
            expectEqual(2u, lan.offline().sync().remaining, "still queued while offline")
        }
        report.check("readings_sync_with_their_keys_when_the_network_returns") {
            server.start()
            val synced = lan.offline().sync()
            expectEqual(0u, synced.remaining, "left in the queue")
            expect(synced.outcomes.all { it.result is ActionResult.Recorded }) { "outcomes ${synced.outcomes}" }
            val book = lan.book().book(cid)
            expectEqual(2, book.readings.size, "readings on the server")
            val chart = lan.book().readingChart(cid, ObservationKind.BLOOD_PRESSURE)
            expectEqual(listOf(135.0 to false, 128.0 to false), chart.map { it.value to it.pending }, "chart")
            expectEqual(listOf(85.0, 82.0), chart.map { it.secondValue }, "diastolic")
            expect(chart.zipWithNext().all { (a, b) -> a.takenAt.isBefore(b.takenAt) }) { "not in time order" }
        }
        lateinit var shown: String
        report.check("a_consent_shows_the_exact_text_and_is_granted_only_when_agreed") {
            val found = lan.booking().searchFacilities(FacilityQuery(q = "nhi trung uong"))
            hospital = found.items.firstOrNull { it.code == "01917" } ?: throw CheckFailed("found ${found.items.map { it.name }}")
            val choice = ConsentChoice(
                facility = hospital,
                purpose = Purpose.REFERRAL,
                sections = listOf(Section.READINGS, Section.HISTORY),
                categories = emptyList(),
                validUntil = LocalDate.now().plusDays(30),
            )
            val draft = lan.book().prepareConsent(cid, choice)
            expect(!draft.request.agreed) { "a draft is pre-ticked" }
            expect(draft.issues.isEmpty()) { "issues ${draft.issues}" }
            // The account's language (Vietnamese) is the one the server records the text in.
            expectEqual(Lang.VI, draft.textLang, "text language")
            expect(draft.text.contains("Tôi, Trần Thị Lan, đồng ý cho ${hospital.name} xem")) { draft.text }
            expect(draft.text.contains("tiền sử và chỉ số tự đo")) { draft.text }
            shown = draft.text
            val consent = lan.book().grantConsent(draft, null)
            expectEqual(shown, consent.text, "the text recorded is the text shown")
            expectEqual(ConsentStatus.ACTIVE, consent.status, "status")
            consentId = consent.id
            expectEqual(listOf(consentId), lan.book().consents(cid).items.map { it.id }, "consents")
        }
        report.check("a_doctor_of_the_hospital_reads_the_book_under_the_consent") {
            doctorToken = doctor("01917")
            val (status, body) = server.call("GET", "/v1/citizens/$cid/book", doctorToken)
            expectEqual(200, status, "the doctor's read ($body)")
            expect(body.contains("\"sections\":[\"history\",\"readings\"]")) { "sections in ${body.take(300)}" }
            expect(body.contains("Penicillin") && body.contains("blood_pressure")) { "entries in ${body.take(300)}" }
            expect(!body.contains("DN4010123456789")) { "section I was not consented to" }
        }
        report.check("the_citizen_reads_the_doctors_read_in_a_sentence") {
            val log = lan.book().accessLog(cid, null)
            val line = log.items.firstOrNull() ?: throw CheckFailed("empty access log")
            expect(line.sentence.startsWith("Doctor Lê Văn Bác, ${hospital.name}, viewed history and home readings at ")) { line.sentence }
            expect(line.sentence.endsWith(", with consent (purpose: referral).")) { line.sentence }
            server.stop()
            expectEqual(line.sentence, lan.book().accessLog(cid, null).items.firstOrNull()?.sentence, "the log offline")
            expectEqual(listOf(consentId), lan.book().consents(cid).items.map { it.id }, "consents offline")
            server.start()
        }
        report.check("withdrawing_the_consent_refuses_the_doctor") {
            val withdrawn = lan.book().withdrawConsent(cid, consentId)
            expectEqual(ConsentStatus.WITHDRAWN, withdrawn.status, "status")
            expectEqual(shown, withdrawn.text, "the text kept")
            val (status, _) = server.call("GET", "/v1/citizens/$cid/book", doctorToken)
            expectEqual(404, status, "the doctor's read after withdrawal")
            expectThrows<BookException.ConsentNotActive>("withdrawing twice") { lan.book().withdrawConsent(cid, consentId) }
        }
        report.check("the_book_downloads_as_a_pdf") {
            val pdf = lan.book().bookPdf(cid)
            expect(pdf.size > 1000 && String(pdf.copyOfRange(0, 5)) == "%PDF-") { "not a PDF: ${pdf.size} bytes" }
        }
        report.check("a_stale_change_of_section_one_from_a_second_device_comes_back_with_the_newer_version") {
            val tablet = HealthBookClient(config("tablet"), MemoryTokenStore(), keys)
            signInWithPasskey(tablet)
            expectEqual(1u, tablet.book().book(cid).administrative?.version, "the tablet reads version 1")
            expectEqual(1u, lan.book().book(cid).administrative?.version, "the phone reads version 1")
            server.stop()
            val onPhone = section("Kỹ sư phần mềm")
            lan.book().updateProfile(cid, onPhone) as? BookWriteOutcome.Queued ?: throw CheckFailed("not queued")
            expectEqual(onPhone.occupation, lan.book().cachedBook(cid)?.administrativeDraft?.occupation, "the form's draft")
            server.start()
            val onTablet = saved(tablet.book().updateProfile(cid, section("Bác sĩ")))
            expectEqual(2u, onTablet.version, "the tablet's version")
            val synced = lan.offline().sync()
            val conflict = synced.outcomes.singleOrNull()?.result as? ActionResult.VersionConflict
                ?: throw CheckFailed("outcomes ${synced.outcomes}")
            expectEqual(cid, conflict.citizenId, "whose book")
            expectEqual(2u, conflict.current?.version, "the newer version shown")
            expectEqual("Bác sĩ", (conflict.current?.body as? EntryBody.Administrative)?.v1?.occupation, "the tablet's change kept")
            expectEqual("Kỹ sư phần mềm", conflict.attempted.occupation, "the phone's change, to redo")
            expectEqual(2u, lan.book().cachedBook(cid)?.administrative?.version, "the phone's copy")
            val again = saved(lan.book().updateProfile(cid, section("Kỹ sư phần mềm")))
            expectEqual(3u, again.version, "redone on the newer version")
            tablet.close()
            lan.close()
        }
    }
}
