package vn.healthbook.jvmtest

import java.io.File
import java.time.LocalDate
import java.time.format.DateTimeFormatter
import java.util.Base64
import java.util.UUID
import vn.healthbook.core.BookingOutcome
import vn.healthbook.core.DependentOutcome
import vn.healthbook.core.ClientConfig
import vn.healthbook.core.HealthBookClient
import vn.healthbook.core.SoftPasskey
import vn.healthbook.core.followUpSlotQuery
import vn.healthbook.domain.AddDependentRequest
import vn.healthbook.domain.AuthorRole
import vn.healthbook.domain.EntryBody
import vn.healthbook.domain.Lang
import vn.healthbook.domain.RegisterRequest
import vn.healthbook.domain.Sex
import vn.healthbook.domain.Source

/**
 * A hospital's own system sends the record of a visit in the national XML standard; the
 * patient's phone shows it in her book as the hospital's, reads in her access log that the
 * hospital's system wrote it, and books the return visit the hospital asked for in one tap,
 * after which it is no longer proposed. The visit's birth certificate offers her son as a
 * dependent; added with his number, he has his birth in his own book.
 */
class IntakeFlow(private val server: Server, private val work: File, private val report: Report) {
    companion object {
        const val NATIONAL_ID = "001182000777"
        const val NAME = "Phạm Thị Khám"
        val BORN: LocalDate = LocalDate.of(1982, 4, 2)

        /** Her son, born in the visit the hospital sends, who gets his number later. */
        const val CHILD_ID = "001226000778"
        const val CHILD_NAME = "Phạm Minh Khang"
        val CHILD_BORN: LocalDate = LocalDate.of(2026, 11, 20)

        /** The population registry the flow's server asks: it knows the patient and her son. */
        fun registry(work: File): File = File(work, "registry.csv").apply {
            writeText("national_id,full_name,date_of_birth\n$NATIONAL_ID,$NAME,$BORN\n$CHILD_ID,$CHILD_NAME,$CHILD_BORN\n")
        }
    }

    private val bachMai = "01929"
    private val email = "kham.intake@example.vn"
    private val mailbox = Mailbox(File(server.dataDir, "mail"))
    private val passkey = SoftPasskey(server.origin)
    private val samples = File(System.getenv("HEALTHBOOK_XML130_SAMPLES") ?: throw CheckFailed("HEALTHBOOK_XML130_SAMPLES is not set"))
    private val returnOn: LocalDate = LocalDate.now().plusDays(10)
    private lateinit var client: HealthBookClient
    private lateinit var cid: UUID
    private lateinit var key: String

    /** The synthetic visit's inner files, made the patient's at Bạch Mai, asking for a return. */
    private fun envelope(): String {
        val birth = BORN.format(DateTimeFormatter.BASIC_ISO_DATE) + "0000"
        fun inner(name: String) = File(samples, name).readText()
            .replace("01999", bachMai)
            .replace("001090000001", NATIONAL_ID)
            .replace("199001150000", birth)
            .replace("Nguyễn Văn Mẫu", NAME)
            .replace("<NGAY_TAI_KHAM></NGAY_TAI_KHAM>", "<NGAY_TAI_KHAM>${returnOn.format(DateTimeFormatter.BASIC_ISO_DATE)}</NGAY_TAI_KHAM>")
        val birthCertificate = "<?xml version=\"1.0\" encoding=\"utf-8\"?><CHI_TIEU_DU_LIEU_GIAY_CHUNG_SINH><DSACH_GIAYCHUNGSINH>" +
            "<DU_LIEU_GIAY_CHUNG_SINH><MA_LK>SYN-20261120-000001</MA_LK><SO_CCCD_NND>$NATIONAL_ID</SO_CCCD_NND>" +
            "<HO_TEN_CON>$CHILD_NAME</HO_TEN_CON><GIOI_TINH_CON>1</GIOI_TINH_CON><CAN_NANG_CON>3400</CAN_NANG_CON>" +
            "<NGAY_SINH_CON>${CHILD_BORN.format(DateTimeFormatter.BASIC_ISO_DATE)}0710</NGAY_SINH_CON>" +
            "<TINH_TRANG_CON>Khỏe mạnh</TINH_TRANG_CON></DU_LIEU_GIAY_CHUNG_SINH></DSACH_GIAYCHUNGSINH></CHI_TIEU_DU_LIEU_GIAY_CHUNG_SINH>"
        val files = listOf("XML1" to "sample-inner-xml1.xml", "XML2" to "sample-inner-xml2.xml", "XML3" to "sample-inner-xml3.xml")
            .map { (kind, name) -> kind to inner(name) }
            .plus("XML9" to birthCertificate)
            .joinToString("") { (kind, xml) ->
                val content = Base64.getEncoder().encodeToString(xml.toByteArray())
                "<FILEHOSO><LOAIHOSO>$kind</LOAIHOSO><NOIDUNGFILE>$content</NOIDUNGFILE></FILEHOSO>"
            }
        return "<?xml version=\"1.0\" encoding=\"utf-8\"?><GIAMDINHHS><THONGTINDONVI><MACSKCB>$bachMai</MACSKCB></THONGTINDONVI>" +
            "<THONGTINHOSO><NGAYLAP>20261120</NGAYLAP><SOLUONGHOSO>1</SOLUONGHOSO><DANHSACHHOSO><HOSO>$files</HOSO>" +
            "</DANHSACHHOSO></THONGTINHOSO><CHUKYDONVI/></GIAMDINHHS>"
    }

    suspend fun run() {
        report.check("intake_a_hospital_administrator_gives_its_system_a_key") {
            val admin = StaffAccount.enrol(server, "admin.intake@staff.healthbook.vn", "Đỗ Văn Quản", "facility_admin", bachMai).signIn()
            val (_, found) = server.call("GET", "/v1/facilities?q=bach%20mai", null)
            val fid = Json.string(found, "id")
            val (status, body) = server.call("POST", "/v1/facilities/$fid/systems", admin, """{"name":"HIS Bạch Mai"}""")
            expectEqual(201, status, "the system ($body)")
            key = Json.string(body, "key")
            expect(key.startsWith("hbk_")) { "a system key" }
        }
        report.check("intake_the_patient_has_a_verified_book") {
            client = HealthBookClient(
                ClientConfig(server.baseUrl, File(work, "kham/healthbook.sqlite").path, Lang.EN, "JVM intake"),
                MemoryTokenStore(),
                MemoryKeyVault(),
            )
            mailbox.skipExisting()
            client.auth().register(RegisterRequest(NATIONAL_ID, NAME, BORN, Sex.FEMALE, email, "0912 345 679", Lang.VI))
            client.auth().verifyEmail(email, mailbox.nextCode(email))
            val creation = client.auth().startPasskeyRegistration("JVM phone")
            client.auth().finishPasskeyRegistration(creation.ceremonyId, passkey.register(creation.requestJson))
            client.auth().signOut(false)
            val request = client.auth().startPasskeySignIn(null)
            client.auth().finishPasskeySignIn(request.ceremonyId, passkey.authenticate(request.requestJson))
            cid = client.account().me().citizen?.citizenId ?: throw CheckFailed("no citizen")
        }
        report.check("intake_the_hospitals_system_sends_the_visit") {
            val (status, body) = server.send("POST", "/v1/ingest/encounters", key, envelope(), "application/xml")
            expectEqual(201, status, "the receipt ($body)")
            expect(body.contains("\"fate\":\"imported\"")) { body }
        }
        report.check("intake_the_visit_is_in_the_book_as_the_hospitals") {
            val book = client.book().book(cid)
            val visit = book.visits.singleOrNull() ?: throw CheckFailed("visits ${book.visits}")
            val encounter = (visit.body as? EntryBody.Encounter)?.v1 ?: throw CheckFailed("not a visit")
            expectEqual("J06.9", encounter.diagnoses.firstOrNull()?.icd10, "diagnosis")
            expectEqual("Paracetamol 500mg", encounter.prescriptions.firstOrNull()?.medicine, "medicine")
            expectEqual(returnOn, encounter.followUpOn, "return day")
            expectEqual(Source.FACILITY_SYSTEM, visit.provenance.source, "source")
            expectEqual(AuthorRole.FACILITY_SYSTEM, visit.provenance.authorRole, "author")
            val line = client.book().accessLog(cid, null).items.firstOrNull() ?: throw CheckFailed("empty access log")
            expect(line.sentence.contains("HIS Bạch Mai")) { line.sentence }
        }
        report.check("intake_the_return_visit_is_booked_in_one_tap") {
            client.booking().appointments()
            val followUp = client.book().followUps(cid).singleOrNull() ?: throw CheckFailed("no follow-up proposed")
            expectEqual(returnOn, followUp.on, "day")
            val query = followUpSlotQuery(followUp).copy(available = true, limit = 1uL)
            val slot = client.booking().slots(followUp.facilityId, query).items.firstOrNull()
                ?: throw CheckFailed("no free slot at ${followUp.facilityId} from $returnOn")
            expect(!slot.date.isBefore(returnOn)) { "slot on ${slot.date}" }
            val outcome = client.booking().book(slot, null)
            expect(outcome is BookingOutcome.Booked) { "booking $outcome" }
            client.booking().appointments()
            expectEqual(0, client.book().followUps(cid).size, "follow-ups once booked")
        }
        report.check("intake_a_reported_birth_is_offered_as_a_dependent") {
            val offer = client.account().expectedChildren().singleOrNull() ?: throw CheckFailed("no child offered")
            expectEqual(CHILD_BORN, offer.bornOn, "born on")
            expectEqual(CHILD_NAME, offer.intendedName, "intended name")
            expectEqual(Sex.MALE, offer.sex, "sex")
            expectEqual(3400u, offer.weightGrams, "weight")
        }
        report.check("intake_the_child_added_from_the_offer_has_his_birth_in_his_book") {
            val offer = client.account().expectedChildren().single()
            // The form starts from the offer; the parent adds the number the certificate lacked.
            val request = AddDependentRequest(CHILD_ID, offer.intendedName ?: "", offer.bornOn, offer.sex ?: Sex.MALE)
            expectEqual(0, client.account().validateDependent(request).size, "form problems")
            val added = client.account().addDependent(request) as? DependentOutcome.Added ?: throw CheckFailed("not added")
            expectEqual(0, client.account().expectedChildren().size, "offers once added")
            val birth = client.book().book(added.dependent.citizen.citizenId).visits.singleOrNull() ?: throw CheckFailed("no birth in his book")
            val encounter = (birth.body as? EntryBody.Encounter)?.v1 ?: throw CheckFailed("not a visit")
            expectEqual(3.4, encounter.vitalSigns.weightKg, "birth weight")
            expectEqual(Source.FACILITY_SYSTEM, birth.provenance.source, "source")
        }
    }
}
