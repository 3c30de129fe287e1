package vn.healthbook.app.ui.common

import androidx.annotation.StringRes
import java.util.Locale
import vn.healthbook.app.R
import vn.healthbook.app.platform.PasskeyPlatformException
import vn.healthbook.core.AccountException
import vn.healthbook.core.AuthException
import vn.healthbook.core.BookException
import vn.healthbook.core.BookingException
import vn.healthbook.core.CertificateException
import vn.healthbook.core.CommonError
import vn.healthbook.core.InputException
import vn.healthbook.core.OfflineException
import vn.healthbook.core.VaccinationException
import vn.healthbook.domain.FieldIssue
import vn.healthbook.domain.Lang

/** A message for the screen: the core's words, or one of the app's own string resources. */
sealed interface UiMessage {
    data class Text(val text: String) : UiMessage
    data class Resource(@StringRes val text: Int, val args: List<Any> = emptyList()) : UiMessage
}

/** One of the app's own messages (what it did, not why something failed). */
fun UiMessage(@StringRes text: Int, args: List<Any> = emptyList()): UiMessage = UiMessage.Resource(text, args)

/** The language the app speaks, and the core with it (see HealthBookApplication). */
fun appLang(): Lang = if (Locale.getDefault().language == "en") Lang.EN else Lang.VI

/**
 * What to tell the person about a failure. The core says it for its own errors, in the app's
 * language; the app only words what the platform threw (a passkey sheet cancelled).
 */
fun Throwable.toUiMessage(): UiMessage {
    val lang = appLang()
    return when (this) {
        is AuthException -> UiMessage.Text(userMessage(lang))
        is AccountException -> UiMessage.Text(userMessage(lang))
        is BookException -> UiMessage.Text(userMessage(lang))
        is BookingException -> UiMessage.Text(userMessage(lang))
        is CertificateException -> UiMessage.Text(userMessage(lang))
        is OfflineException -> UiMessage.Text(userMessage(lang))
        is VaccinationException -> UiMessage.Text(userMessage(lang))
        is InputException.Invalid -> UiMessage.Text(issue.message(lang))
        is PasskeyPlatformException.Cancelled -> UiMessage(R.string.error_passkey_cancelled)
        is PasskeyPlatformException.NoPasskey -> UiMessage(R.string.error_passkey_unavailable)
        else -> UiMessage(R.string.error_unexpected)
    }
}

/** The failure every area shares, when [this] is one: signed out, offline, invalid input… */
fun Throwable.common(): CommonError? = when (this) {
    is AuthException.Common -> error
    is AccountException.Common -> error
    is BookException.Common -> error
    is BookingException.Common -> error
    is CertificateException.Common -> error
    is OfflineException.Common -> error
    is VaccinationException.Common -> error
    else -> null
}

/** The per-field problems of a validation error, keyed by field, in the app's language. */
fun Throwable.fieldProblems(): Map<String, String> =
    problemsByField((common() as? CommonError.InvalidInput)?.issues.orEmpty())

fun problemsByField(issues: List<FieldIssue>): Map<String, String> {
    val lang = appLang()
    return issues.groupBy { it.field }.mapValues { (_, list) -> list.joinToString("\n") { it.message(lang) } }
}

/** Whether this error means the session is over and the sign-in screen is next. */
fun Throwable.endsSession(): Boolean = common() is CommonError.NotSignedIn

/** Whether the network is what failed: the screen shows what the phone holds instead. */
fun Throwable.isOffline(): Boolean = common() is CommonError.Offline
