package vn.healthbook.jvmtest

import vn.healthbook.core.SoftPasskey

/**
 * A member of staff made the way an operator makes one (`healthbook create-staff`), who then
 * enrols a passkey over HTTP: the apps' staff side is tested through the same doors.
 */
class StaffAccount(private val server: Server, val email: String, val key: SoftPasskey) {
    /** A fresh bearer token, signed in over HTTP with the passkey. */
    fun signIn(): String {
        val (_, login) = server.call("POST", "/v1/auth/passkeys/login/start", null, """{"email":"$email"}""")
        val assertion = key.authenticate(Json.obj(login, "options"))
        val (signedIn, session) = server.call(
            "POST", "/v1/auth/passkeys/login/finish", null,
            """{"ceremony_id":"${Json.string(login, "ceremony_id")}","credential":$assertion,"device_name":"Work phone"}""",
        )
        expectEqual(200, signedIn, "staff sign-in ($session)")
        return Json.string(session, "token")
    }

    companion object {
        /** Creates [role] at [facilityCode] under [email] and enrols a passkey for it. */
        fun enrol(server: Server, email: String, name: String, role: String, facilityCode: String): StaffAccount {
            val printed = server.command(
                "create-staff", "--email", email, "--name", name, "--role", role, "--facility", facilityCode,
            )
            val code = printed.lineSequence()
                .firstNotNullOfOrNull { it.substringAfter("Enrolment code (valid 72 hours, single use): ", "").ifBlank { null } }
                ?.trim() ?: throw CheckFailed("no enrolment code in: $printed")
            val (enrolled, enrolment) = server.call("POST", "/v1/auth/staff/enrol", null, """{"email":"$email","code":"$code"}""")
            expectEqual(200, enrolled, "staff enrolment ($enrolment)")
            val enrolmentToken = Json.string(enrolment, "token")
            val key = SoftPasskey(server.origin)
            val (_, start) = server.call("POST", "/v1/auth/passkeys/register/start", enrolmentToken, """{"name":"Work phone"}""")
            val credential = key.register(Json.obj(start, "options"))
            val (registered, body) = server.call(
                "POST", "/v1/auth/passkeys/register/finish", enrolmentToken,
                """{"ceremony_id":"${Json.string(start, "ceremony_id")}","credential":$credential}""",
            )
            expectEqual(201, registered, "staff passkey ($body)")
            return StaffAccount(server, email, key)
        }
    }
}
