package vn.healthbook.jvmtest

import java.io.File
import java.time.LocalDate
import vn.healthbook.core.ActionResult
import vn.healthbook.core.AuthException
import vn.healthbook.core.ClientConfig
import vn.healthbook.core.ClientException
import vn.healthbook.core.CommonError
import vn.healthbook.core.DependentOutcome
import vn.healthbook.core.HealthBookClient
import vn.healthbook.core.InputException
import vn.healthbook.core.OfflineAction
import vn.healthbook.core.SoftPasskey
import vn.healthbook.core.codeDigits
import vn.healthbook.core.codeLength
import vn.healthbook.core.coreVersion
import vn.healthbook.core.nationalIdDigits
import vn.healthbook.core.parseDate
import vn.healthbook.domain.AddDependentRequest
import vn.healthbook.domain.Assurance
import vn.healthbook.domain.Lang
import vn.healthbook.domain.RegisterRequest
import vn.healthbook.domain.Sex
import vn.healthbook.domain.Verification

/**
 * A citizen's first day with the app, through the generated bindings against the real
 * server: register, verify, sign in with a code, add a child, enrol a passkey and sign in
 * with it, lose the network, keep reading, act offline, and see the action synced.
 */
class CitizenFlow(private val server: Server, private val work: File, private val report: Report) {
    companion object {
        /** The population registry the flow's server asks: it knows the citizen. */
        fun registry(work: File): File = File(work, "registry.csv").apply {
            writeText("national_id,full_name,date_of_birth\n001190000001,Trần Thị Lan,1990-05-17\n")
        }
    }


    private val email = "lan.tran@example.vn"
    private val tokens = MemoryTokenStore()
    private val keys = MemoryKeyVault()
    private val mailbox = Mailbox(File(server.dataDir, "mail"))
    private val passkey = SoftPasskey(server.origin)
    private lateinit var client: HealthBookClient

    private val citizen = RegisterRequest(
        nationalId = "001190000001",
        fullName = "Trần Thị Lan",
        dateOfBirth = LocalDate.of(1990, 5, 17),
        sex = Sex.FEMALE,
        email = email,
        phone = "0912 345 678",
        lang = Lang.VI,
    )
    private val son = AddDependentRequest(
        nationalId = "001220000123",
        fullName = "Nguyễn Minh Khôi",
        dateOfBirth = LocalDate.of(2020, 3, 2),
        sex = Sex.MALE,
    )
    private val daughter = AddDependentRequest(
        nationalId = "001322000456",
        fullName = "Nguyễn Minh Anh",
        dateOfBirth = LocalDate.of(2022, 8, 9),
        sex = Sex.FEMALE,
    )

    private val storeFile = File(work, "store/healthbook.sqlite")

    private fun config() = ClientConfig(
        baseUrl = server.baseUrl,
        storePath = storeFile.path,
        lang = Lang.EN,
        deviceName = "JVM test phone",
    )

    suspend fun run() {
        report.check("core_version_crosses_the_boundary") {
            expect(coreVersion().isNotBlank()) { "empty version" }
        }
        report.check("client_opens_its_store_signed_out") {
            client = HealthBookClient(config(), tokens, keys)
            expect(!client.isSignedIn()) { "a fresh client is signed in" }
            expectEqual(null, client.offline().me(), "cached profile before any sync")
            expectEqual(1, keys.names.size, "data keys handed to the keystore")
        }
        report.check("plain_http_to_another_machine_is_refused") {
            expectThrows<ClientException.InsecureBaseUrl>("an http address on the network") {
                HealthBookClient(config().copy(baseUrl = "http://10.0.2.2:8080"), MemoryTokenStore(), MemoryKeyVault())
            }
        }
        report.check("registration_form_is_checked_by_domain_rules_before_sending") {
            val problems = client.auth().validateRegistration(citizen.copy(sex = Sex.MALE, email = "not-an-email"))
            val codes = problems.map { it.field to it.code }
            expect(codes.contains("email" to "email_invalid") || codes.any { it.first == "email" }) { "no email problem in $codes" }
            expect(codes.any { it.first == "national_id" }) { "no national ID/sex mismatch in $codes" }
            val refused = expectCommon<CommonError.InvalidInput>("register with bad fields") {
                client.auth().register(citizen.copy(email = "not-an-email"))
            }
            val email = refused.issues.singleOrNull { it.field == "email" } ?: throw CheckFailed("issues: ${refused.issues}")
            expect(email.message(Lang.VI) != email.message(Lang.EN)) { "the issue is not in both languages: $email" }
        }
        report.check("form_fields_keep_what_the_cores_rules_read") {
            expectEqual("001190000001", nationalIdDigits(" 001 190 000 001 "), "national number typed with spaces")
            expectEqual("123456", codeDigits("123 4567"), "code typed with a space and a digit too many")
            expectEqual(6u, codeLength(), "code length")
            expectEqual(LocalDate.of(1990, 5, 17), parseDate("date_of_birth", " 1990-05-17 "), "date typed")
            val ambiguous = expectThrows<InputException.Invalid>("a day-month date") { parseDate("date_of_birth", "17/05/1990") }
            expectEqual("date_of_birth" to "date_ambiguous", ambiguous.issue.field to ambiguous.issue.code, "issue")
        }
        report.check("register_mails_a_code") {
            mailbox.skipExisting()
            val registered = client.auth().register(citizen)
            expect(registered.emailVerificationSent) { "no verification mail announced" }
            expect(registered.verification == Verification.VERIFIED || registered.verification == Verification.UNVERIFIED) { "verification" }
        }
        report.check("registering_the_same_citizen_twice_reveals_nothing") {
            // "Taken" would tell anyone who holds an account: the owner learns of it by mail.
            val again = client.auth().register(citizen)
            expect(again.emailVerificationSent) { "a second registration is answered differently: $again" }
        }
        report.check("verify_email_with_the_mailed_code_signs_in") {
            val code = mailbox.nextCode(email)
            val wrong = expectThrows<AuthException.InvalidCode>("a wrong code") {
                client.auth().verifyEmail(email, if (code == "000000") "111111" else "000000")
            }
            expectEqual(
                "Mã không đúng, đã hết hạn hoặc đã được dùng. Hãy yêu cầu mã mới.",
                wrong.userMessage(Lang.VI),
                "what the app shows, from the core",
            )
            val me = client.auth().verifyEmail(email, code)
            expect(me.emailVerified) { "email not verified" }
            expectEqual(Assurance.BASIC, me.assurance, "assurance after an email code")
            expect(client.isSignedIn()) { "not signed in" }
            expect(tokens.saved != null) { "the token store was not given the session" }
        }
        report.check("sign_out_then_sign_in_with_a_one_time_code") {
            client.auth().signOut(false)
            expect(!client.isSignedIn() && tokens.saved == null) { "still signed in" }
            mailbox.skipExisting()
            val sent = client.auth().startEmailSignIn(email)
            expect(sent.expiresInSeconds > 0) { "code lifetime ${sent.expiresInSeconds}" }
            val me = client.auth().finishEmailSignIn(email, mailbox.nextCode(email))
            expectEqual(email, me.email, "signed-in email")
        }
        report.check("me_returns_the_citizen_and_caches_it") {
            val me = client.account().me()
            expectEqual("Trần Thị Lan", me.citizen?.fullName, "citizen name")
            expect(me.citizen?.nationalIdMasked?.endsWith("001") == true) { "masked id ${me.citizen?.nationalIdMasked}" }
            expectEqual("Trần Thị Lan", client.offline().me()?.citizen?.fullName, "cached name")
        }
        report.check("add_a_dependent_online") {
            val outcome = client.account().addDependent(son)
            val added = (outcome as? DependentOutcome.Added)?.dependent ?: throw CheckFailed("outcome $outcome")
            expectEqual("Nguyễn Minh Khôi", added.citizen.fullName, "dependent name")
            expectEqual(listOf("Nguyễn Minh Khôi"), client.account().dependents().map { it.citizen.fullName }, "dependents")
        }
        report.check("an_adult_cannot_be_added_as_a_dependent") {
            val adult = son.copy(nationalId = "001200000999", dateOfBirth = LocalDate.of(2000, 1, 1))
            val error = expectCommon<CommonError.InvalidInput>("adult dependent") { client.account().addDependent(adult) }
            expect(error.issues.any { it.code == "dependent_not_a_minor" }) { "issues ${error.issues}" }
        }
        report.check("enrol_a_passkey_with_the_platform_authenticator") {
            val creation = client.auth().startPasskeyRegistration("JVM test phone")
            expectEqual("localhost", creation.rpId, "relying party")
            val info = client.auth().finishPasskeyRegistration(creation.ceremonyId, passkey.register(creation.requestJson))
            expectEqual("JVM test phone", info.name, "passkey name")
            expectEqual(1, client.account().passkeys().size, "passkeys listed")
        }
        report.check("sign_in_with_the_passkey_without_typing_an_address") {
            client.auth().signOut(false)
            val request = client.auth().startPasskeySignIn(null)
            expect(request.allowCredentials.isEmpty()) { "a discoverable sign-in lists no credentials" }
            val me = client.auth().finishPasskeySignIn(request.ceremonyId, passkey.authenticate(request.requestJson))
            expectEqual(Assurance.PASSKEY, me.assurance, "assurance after a passkey")
            expectEqual(Assurance.PASSKEY, client.auth().assurance(), "the client's view of the session")
            expectEqual(1, me.dependents.size, "dependents in me")
        }
        report.check("sessions_list_marks_this_phone") {
            val sessions = client.account().sessions()
            val current = sessions.singleOrNull { it.current } ?: throw CheckFailed("no current session in $sessions")
            expectEqual("JVM test phone", current.deviceName, "device name")
        }
        report.check("a_waiting_recovery_is_shown_and_cancelled_from_this_phone") {
            // Someone with the mailbox and the public facts asks, on another device, to
            // recover the account: it waits a day, and the owner sees it.
            mailbox.skipExisting()
            val (started, _) = server.post("/v1/auth/recovery/start", """{"email":"$email"}""")
            expectEqual(202, started, "recovery started")
            val code = mailbox.nextCode(email)
            val (status, body) = server.post(
                "/v1/auth/recovery/finish",
                """{"email":"$email","code":"$code","national_id":"${citizen.nationalId}",""" +
                    """"full_name":"${citizen.fullName}","date_of_birth":"${citizen.dateOfBirth}"}""",
            )
            expectEqual(202, status, "recovery asked ($body)")
            val opensAt = client.account().me().recoveryPendingUntil ?: throw CheckFailed("no waiting recovery in me()")
            expect(opensAt.isAfter(java.time.Instant.now().plusSeconds(20 * 3600))) { "opens at $opensAt" }
            expectEqual(opensAt, client.offline().me()?.recoveryPendingUntil, "the warning, offline")
            // Not the owner: this phone's passkey session stops it.
            client.account().cancelRecovery()
            expectEqual(null, client.account().me().recoveryPendingUntil, "waiting recovery after cancel")
            expectEqual(null, client.offline().me()?.recoveryPendingUntil, "the warning offline after cancel")
            expectCommon<CommonError.NotFound>("nothing left to cancel") { client.account().cancelRecovery() }
        }
        report.check("profile_and_dependents_are_read_offline") {
            server.stop()
            val me = client.offline().me() ?: throw CheckFailed("no cached profile")
            expectEqual("Trần Thị Lan", me.citizen?.fullName, "cached citizen")
            expectEqual(listOf("Nguyễn Minh Khôi"), client.offline().dependents().map { it.citizen.fullName }, "cached dependents")
            expect(client.offline().syncedAt() != null) { "no sync time" }
            expectCommon<CommonError.Offline>("a network read while offline") { client.account().me() }
        }
        report.check("an_action_taken_offline_is_queued_with_its_key") {
            val outcome = client.account().addDependent(daughter)
            val queued = (outcome as? DependentOutcome.Queued)?.action ?: throw CheckFailed("outcome $outcome")
            val pending = client.offline().pending()
            expectEqual(listOf(queued.id), pending.map { it.id }, "pending actions")
            val action = pending.single().action as OfflineAction.AddDependent
            expectEqual("Nguyễn Minh Anh", action.request.fullName, "queued request")
            val attempt = client.offline().sync()
            expectEqual(1u, attempt.remaining, "still queued while offline")
        }
        report.check("the_store_file_holds_no_name_email_or_national_id") {
            val secrets = listOf(
                "Trần Thị Lan", "Nguyễn Minh Khôi", "Nguyễn Minh Anh", email,
                son.nationalId, daughter.nationalId, "1990-05-17", "2022-08-09",
            )
            expectEqual(emptyList<String>(), readableInStore(storeFile, secrets), "readable in the store file")
        }
        report.check("the_queue_is_synced_when_the_server_is_back") {
            server.start()
            val synced = client.offline().sync()
            expectEqual(0u, synced.remaining, "left in the queue")
            expectEqual(listOf<ActionResult>(ActionResult.Applied), synced.outcomes.map { it.result }, "outcomes")
            expect(client.offline().pending().isEmpty()) { "queue not empty" }
            val names = client.offline().dependents().map { it.citizen.fullName }.sorted()
            expectEqual(listOf("Nguyễn Minh Anh", "Nguyễn Minh Khôi"), names, "dependents after sync")
            expectEqual(2, client.account().dependents().size, "dependents on the server")
        }
        report.check("a_sync_with_an_empty_queue_changes_nothing") {
            expectEqual(0, client.offline().sync().outcomes.size, "outcomes of an empty sync")
            expectEqual(2, client.account().dependents().size, "dependents after a second sync")
        }
        report.check("sign_out_forgets_the_person_on_this_phone") {
            val keyBefore = keys.names
            client.auth().signOut(true)
            expect(keys.names.size == 1 && keys.names != keyBefore) { "the data key was not replaced: $keyBefore -> ${keys.names}" }
            expect(!client.isSignedIn()) { "still signed in" }
            expectEqual(null, client.offline().me(), "cached profile after sign-out")
            expectCommon<CommonError.NotSignedIn>("a call after sign-out") { client.account().me() }
        }
        report.check("a_new_client_reads_the_session_from_the_token_store") {
            mailbox.skipExisting()
            client.auth().startEmailSignIn(email)
            client.auth().finishEmailSignIn(email, mailbox.nextCode(email))
            client.close()
            client = HealthBookClient(config(), tokens, keys)
            expect(client.isSignedIn()) { "the saved session was not loaded" }
            expectEqual(email, client.account().me().email, "me with the restored session")
        }
    }
}
