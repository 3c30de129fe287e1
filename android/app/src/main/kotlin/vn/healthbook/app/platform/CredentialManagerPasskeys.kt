package vn.healthbook.app.platform

import android.app.Activity
import androidx.credentials.CreatePublicKeyCredentialRequest
import androidx.credentials.CreatePublicKeyCredentialResponse
import androidx.credentials.CredentialManager
import androidx.credentials.GetCredentialRequest
import androidx.credentials.GetPublicKeyCredentialOption
import androidx.credentials.PublicKeyCredential
import androidx.credentials.exceptions.CreateCredentialCancellationException
import androidx.credentials.exceptions.GetCredentialCancellationException
import androidx.credentials.exceptions.NoCredentialException

/** Why the platform did not produce a passkey answer. */
sealed class PasskeyPlatformException(message: String) : Exception(message) {
    class Cancelled : PasskeyPlatformException("cancelled by the user")
    class NoPasskey : PasskeyPlatformException("no passkey for this site on the phone")
}

/**
 * The phone's passkey provider through Credential Manager. It only moves JSON: the core
 * fetched the options and will submit the answers.
 */
class CredentialManagerPasskeys(private val activity: Activity) {
    private val credentials = CredentialManager.create(activity)

    /** Creates a passkey; returns the `RegistrationResponseJSON`. */
    suspend fun create(requestJson: String): String = try {
        val response = credentials.createCredential(activity, CreatePublicKeyCredentialRequest(requestJson))
        (response as CreatePublicKeyCredentialResponse).registrationResponseJson
    } catch (_: CreateCredentialCancellationException) {
        throw PasskeyPlatformException.Cancelled()
    }

    /** Signs with a passkey; returns the `AuthenticationResponseJSON`. */
    suspend fun get(requestJson: String): String = try {
        val request = GetCredentialRequest(listOf(GetPublicKeyCredentialOption(requestJson)))
        val response = credentials.getCredential(activity, request)
        (response.credential as PublicKeyCredential).authenticationResponseJson
    } catch (_: GetCredentialCancellationException) {
        throw PasskeyPlatformException.Cancelled()
    } catch (_: NoCredentialException) {
        throw PasskeyPlatformException.NoPasskey()
    }
}
