package vn.healthbook.app.signin

import androidx.lifecycle.ViewModel
import androidx.lifecycle.viewModelScope
import kotlinx.coroutines.flow.MutableStateFlow
import kotlinx.coroutines.flow.StateFlow
import kotlinx.coroutines.flow.update
import kotlinx.coroutines.launch
import vn.healthbook.app.platform.CredentialManagerPasskeys
import vn.healthbook.app.ui.common.UiMessage
import vn.healthbook.app.ui.common.toUiMessage
import vn.healthbook.core.HealthBookClient
import vn.healthbook.core.codeDigits

data class SignInState(
    val email: String = "",
    val code: String = "",
    /** Minutes the mailed code stays valid, once one was sent. */
    val codeSentMinutes: Int? = null,
    val busy: Boolean = false,
    val message: UiMessage? = null,
    val signedIn: Boolean = false,
)

class SignInViewModel(private val core: HealthBookClient) : ViewModel() {
    private val mutable = MutableStateFlow(SignInState())
    val state: StateFlow<SignInState> = mutable

    fun onEmail(value: String) = mutable.update { it.copy(email = value.trim(), message = null) }
    fun onCode(value: String) = mutable.update { it.copy(code = codeDigits(value), message = null) }

    /** A discoverable sign-in: the platform offers the passkeys it holds for HealthBook. */
    fun signInWithPasskey(passkeys: CredentialManagerPasskeys) = run {
        val request = core.auth().startPasskeySignIn(null)
        val answer = passkeys.get(request.requestJson)
        core.auth().finishPasskeySignIn(request.ceremonyId, answer)
        mutable.update { it.copy(signedIn = true) }
    }

    fun sendCode() = run {
        val sent = core.auth().startEmailSignIn(state.value.email)
        mutable.update { it.copy(codeSentMinutes = (sent.expiresInSeconds / 60).toInt()) }
    }

    fun signInWithCode() = run {
        core.auth().finishEmailSignIn(state.value.email, state.value.code)
        mutable.update { it.copy(signedIn = true) }
    }

    private fun run(work: suspend () -> Unit) {
        if (state.value.busy) return
        mutable.update { it.copy(busy = true, message = null) }
        viewModelScope.launch {
            try {
                work()
            } catch (e: Exception) {
                mutable.update { it.copy(message = e.toUiMessage()) }
            } finally {
                mutable.update { it.copy(busy = false) }
            }
        }
    }
}
