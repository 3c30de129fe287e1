package vn.healthbook.app.register

import androidx.lifecycle.ViewModel
import androidx.lifecycle.viewModelScope
import java.time.LocalDate
import java.time.format.DateTimeParseException
import kotlinx.coroutines.flow.MutableStateFlow
import kotlinx.coroutines.flow.StateFlow
import kotlinx.coroutines.flow.update
import kotlinx.coroutines.launch
import vn.healthbook.app.ui.common.UiMessage
import vn.healthbook.app.ui.common.fieldProblems
import vn.healthbook.app.ui.common.toUiMessage
import vn.healthbook.core.HealthBookClient
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
            LocalDate.parse(form.dateOfBirth.trim())
        } catch (_: DateTimeParseException) {
            null
        }
        if (date == null) {
            mutable.update { it.copy(problems = mapOf("date_of_birth" to "YYYY-MM-DD")) }
            return
        }
        val request = RegisterRequest(
            nationalId = form.nationalId.filter(Char::isDigit),
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
            mutable.update { state -> state.copy(problems = problems.groupBy { it.field }.mapValues { (_, p) -> p.joinToString("\n") { it.detail } }) }
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

    fun onCode(value: String) = mutable.update { it.copy(code = value.filter(Char::isDigit).take(6), message = null) }

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
