package vn.healthbook.jvmtest

import java.io.File
import java.net.URI
import vn.healthbook.core.CertificateException
import vn.healthbook.core.ClientConfig
import vn.healthbook.core.CommonError
import vn.healthbook.core.HealthBookClient
import vn.healthbook.core.VerificationOutcome
import vn.healthbook.core.qrCode
import vn.healthbook.domain.CertificateType
import vn.healthbook.domain.Event
import vn.healthbook.domain.Lang

/**
 * A verifier's phone: it pins the trust-list key, fetches the signed lists while online,
 * and then — with the server stopped — tells a certificate of that server from a tampered
 * one and from one signed by another deployment's keys.
 */
class CertificateFlow(private val server: Server, private val work: File, private val report: Report) {
    private lateinit var client: HealthBookClient
    private val storeFile = File(work, "verifier/healthbook.sqlite")
    private lateinit var ours: String
    private lateinit var theirs: String

    /** A second COVID-19 dose in DCC 1.3 JSON, as an issuing system hands it to the signer. */
    private val dcc = """
        {"ver": "1.3.0",
         "nam": {"fn": "Trần", "fnt": "TRAN", "gn": "Thị Lan", "gnt": "THI<LAN"},
         "dob": "1990-05-17",
         "v": [{"tg": "840539006", "vp": "J07BN01", "mp": "EU/1/20/1528", "ma": "ORG-100030215",
                "dn": 2, "sd": 2, "dt": "2026-05-30", "co": "VN", "is": "Bộ Y tế",
                "ci": "URN:UVCI:01:VN:7F3A9C20B1D44E0FA2C3B4D5E6F70812#Q"}]}
    """.trimIndent()

    private fun sign(dir: File): String {
        val payload = File(dir, "dcc.json").apply { writeText(dcc) }
        val text = server.command("certs", "sign", payload.path, dir = dir).trim()
        expect(text.startsWith("HC1:")) { "certs sign printed ${text.take(20)}…" }
        return text
    }

    suspend fun run() {
        report.check("certificates_need_a_pinned_key_before_a_refresh") {
            client = HealthBookClient(
                ClientConfig(server.baseUrl, storeFile.path, Lang.EN, "JVM verifier"),
                MemoryTokenStore(),
                MemoryKeyVault(),
            )
            expectThrows<CertificateException.NoPinnedKey>("refresh without a pin") { client.certificates().refresh() }
            expectThrows<CertificateException.InvalidKey>("a key that is not one") { client.certificates().setTrustListKey("hello") }
        }
        report.check("the_server_signs_a_certificate_and_another_deployment_signs_one_too") {
            ours = sign(server.dataDir)
            val elsewhere = File(work, "elsewhere").apply { mkdirs() }
            server.command("keys", "init", dir = elsewhere)
            theirs = sign(elsewhere)
            expect(ours != theirs) { "two deployments signed the same text" }
        }
        report.check("the_pinned_key_checks_the_lists_fetched_online") {
            // Apps ship the key; fetching it from the server it protects is for this test only.
            val pin = URI("${server.baseUrl}/v1/trust-list/signing-key").toURL().readText()
            client.certificates().setTrustListKey(pin)
            val first = client.certificates().refresh()
            expect(first.trustListUpdated && first.revocationsUpdated) { "first refresh: $first" }
            expect(first.lists.trustListVersion != null && !first.lists.stale) { "lists: ${first.lists}" }
            val second = client.certificates().refresh()
            expect(!second.trustListUpdated && !second.revocationsUpdated) { "an unchanged list was downloaded again: $second" }
        }
        report.check("with_the_network_cut_a_refresh_says_offline") {
            server.stop()
            expectCommon<CommonError.Offline>("refresh offline") { client.certificates().refresh() }
            expect(client.certificates().status().trustListVersion != null) { "the stored lists are gone" }
        }
        report.check("a_certificate_of_the_server_verifies_offline_with_person_dose_and_dates") {
            val check = client.certificates().verify(ours)
            expectEqual<VerificationOutcome>(VerificationOutcome.Valid, check.outcome, "outcome")
            val details = check.details ?: throw CheckFailed("no details")
            expectEqual("Trần Thị Lan", details.holderName, "holder")
            expectEqual("1990-05-17", details.dcc.dob, "date of birth")
            expectEqual(CertificateType.VACCINATION, details.certificateType, "type")
            expectEqual("COVID-19", details.targetDisease, "target disease")
            val dose = (details.dcc.event as? Event.Vaccination)?.v1 ?: throw CheckFailed("event ${details.dcc.event}")
            expectEqual(2u to 2u, dose.dn to dose.sd, "dose n of m")
            expectEqual("VN", dose.co, "country of vaccination")
            val (issued, expires) = (details.issuedAt ?: throw CheckFailed("no iat")) to (details.expiresAt ?: throw CheckFailed("no exp"))
            expect(expires.isAfter(issued)) { "validity $issued – $expires" }
        }
        report.check("a_tampered_certificate_is_invalid_with_its_reason") {
            val middle = ours.length / 2
            val tampered = ours.substring(0, middle) + (if (ours[middle] == 'A') 'B' else 'A') + ours.substring(middle + 1)
            val outcome = client.certificates().verify(tampered).outcome
            val invalid = outcome as? VerificationOutcome.Invalid ?: throw CheckFailed("outcome $outcome")
            expect(invalid.code.startsWith("certificate_") && invalid.message.isNotBlank()) { "reason $invalid" }
        }
        report.check("another_deployments_certificate_is_of_an_unknown_issuer") {
            expectEqual<VerificationOutcome>(VerificationOutcome.UnknownIssuer, client.certificates().verify(theirs).outcome, "outcome")
        }
        report.check("a_saved_certificate_is_listed_verified_and_drawn_as_a_qr_code") {
            val saved = client.certificates().save(ours)
            val listed = client.certificates().saved()
            expectEqual(listOf(saved.id), listed.map { it.id }, "saved certificates")
            expectEqual<VerificationOutcome>(VerificationOutcome.Valid, listed.single().check.outcome, "outcome of the saved one")
            val qr = qrCode(listed.single().hc1)
            expect(qr.size > 21u && qr.modules.size.toUInt() == qr.size * qr.size) { "QR ${qr.size}" }
            expectThrows<CertificateException.NotACertificate>("saving a text that is no certificate") { client.certificates().save("hello") }
            expectEqual(emptyList<String>(), readableInStore(storeFile, listOf("HC1:", ours.take(40))), "readable in the store file")
            client.close()
        }
    }
}
