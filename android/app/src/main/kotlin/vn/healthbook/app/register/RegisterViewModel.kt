package vn.healthbook.app.register

import androidx.lifecycle.ViewModel
import androidx.lifecycle.viewModelScope
import kotlinx.coroutines.flow.MutableStateFlow
import kotlinx.coroutines.flow.StateFlow
import kotlinx.coroutines.flow.update
import kotlinx.coroutines.launch
import vn.healthbook.app.ui.common.UiMessage
import vn.healthbook.app.ui.common.fieldProblems
import vn.healthbook.app.ui.common.problemsByField
import vn.healthbook.app.ui.common.toUiMessage
import vn.healthbook.core.HealthBookClient
import vn.healthbook.core.InputException
import vn.healthbook.core.codeDigits
import vn.healthbook.core.nationalIdDigits
import vn.healthbook.core.parseDate
import vn.healthbook.domain.Lang
import vn.healthbook.domain.RegisterRequest
import vn.healthbook.domain.Sex

data class RegisterForm(
    val nationalId: String = "",
    val fullName: String = "",
    val dateOfBirth: String = "",
    val sex: Sex = Sex.FEMALE,
    val email: String = "",
    val phone: String = "",
)

data class RegisterState(
    val form: RegisterForm = RegisterForm(),
    /** The core's problems per field (`national_id`, `email`…), in the app's language. */
    val problems: Map<String, String> = emptyMap(),
    val busy: Boolean = false,
    val message: UiMessage? = null,
    val registeredEmail: String? = null,
)

class RegisterViewModel(private val core: HealthBookClient, private val lang: Lang) : ViewModel() {
    private val mutable = MutableStateFlow(RegisterState())
    val state: StateFlow<RegisterState> = mutable

    fun edit(change: (RegisterForm) -> RegisterForm) =
        mutable.update { it.copy(form = change(it.form), message = null) }

    fun submit() {
        val form = state.value.form
        val date = try {
            parseDate("date_of_birth", form.dateOfBirth)
        } catch (e: InputException.Invalid) {
            mutable.update { it.copy(problems = problemsByField(listOf(e.issue))) }
            return
        }
        val request = RegisterRequest(
            nationalId = nationalIdDigits(form.nationalId),
            fullName = form.fullName,
            dateOfBirth = date,
            sex = form.sex,
            email = form.email.trim(),
            phone = form.phone,
            lang = lang,
        )
        // The same rules as the server, at once and offline: every field's problem together.
        val problems = core.auth().validateRegistration(request)
        if (problems.isNotEmpty()) {
            mutable.update { it.copy(problems = problemsByField(problems)) }
            return
        }
        mutable.update { it.copy(busy = true, problems = emptyMap(), message = null) }
        viewModelScope.launch {
            try {
                core.auth().register(request)
                mutable.update { it.copy(registeredEmail = request.email) }
            } catch (e: Exception) {
                mutable.update { it.copy(message = e.toUiMessage(), problems = e.fieldProblems()) }
            } finally {
                mutable.update { it.copy(busy = false) }
            }
        }
    }
}

data class VerifyState(val code: String = "", val busy: Boolean = false, val message: UiMessage? = null, val verified: Boolean = false)

class VerifyEmailViewModel(private val core: HealthBookClient, private val email: String) : ViewModel() {
    private val mutable = MutableStateFlow(VerifyState())
    val state: StateFlow<VerifyState> = mutable

    fun onCode(value: String) = mutable.update { it.copy(code = codeDigits(value), message = null) }

    fun verify() {
        mutable.update { it.copy(busy = true, message = null) }
        viewModelScope.launch {
            try {
                core.auth().verifyEmail(email, state.value.code)
                mutable.update { it.copy(verified = true) }
            } catch (e: Exception) {
                mutable.update { it.copy(message = e.toUiMessage()) }
            } finally {
                mutable.update { it.copy(busy = false) }
            }
        }
    }
}
