package vn.healthbook.app.ui.common

import androidx.annotation.StringRes
import vn.healthbook.app.R
import vn.healthbook.app.platform.PasskeyPlatformException
import vn.healthbook.core.AccountException
import vn.healthbook.core.AuthException
import vn.healthbook.core.BookingException
import vn.healthbook.core.CertificateException
import vn.healthbook.core.FieldProblem
import vn.healthbook.core.OfflineException
import vn.healthbook.core.QrException

/** A message for the screen: a string resource and its arguments. */
data class UiMessage(@StringRes val text: Int, val args: List<Any> = emptyList())

/**
 * One message per variant of the core's error enums. The `when`s are exhaustive over the
 * sealed classes, so a variant added to the core fails this build until it has a message.
 */
fun Throwable.toUiMessage(): UiMessage = when (this) {
    is AuthException -> when (this) {
        is AuthException.InvalidInput -> UiMessage(R.string.error_fix_fields)
        is AuthException.NationalIdAlreadyRegistered -> UiMessage(R.string.error_national_id_taken)
        is AuthException.EmailAlreadyRegistered -> UiMessage(R.string.error_email_taken)
        is AuthException.InvalidCode -> UiMessage(R.string.error_invalid_code)
        is AuthException.PasskeyRequired -> UiMessage(R.string.error_passkey_required)
        is AuthException.PasskeyRejected -> UiMessage(R.string.error_passkey_rejected)
        is AuthException.MalformedPasskey -> UiMessage(R.string.error_passkey_rejected)
        is AuthException.NotSignedIn -> UiMessage(R.string.error_not_signed_in)
        is AuthException.AccountLocked -> UiMessage(R.string.error_account_locked)
        is AuthException.RateLimited -> UiMessage(R.string.error_rate_limited)
        is AuthException.Offline -> UiMessage(R.string.error_offline)
        is AuthException.Unavailable -> UiMessage(R.string.error_unavailable)
        is AuthException.Storage -> UiMessage(R.string.error_storage)
        is AuthException.Unexpected -> UiMessage(R.string.error_unexpected)
    }
    is AccountException -> when (this) {
        is AccountException.InvalidInput -> UiMessage(R.string.error_fix_fields)
        is AccountException.NotSignedIn -> UiMessage(R.string.error_not_signed_in)
        is AccountException.StepUpRequired -> UiMessage(R.string.error_step_up)
        is AccountException.NotFound -> UiMessage(R.string.error_not_found)
        is AccountException.LastPasskey -> UiMessage(R.string.error_last_passkey)
        is AccountException.Conflict -> UiMessage(R.string.error_conflict, listOf(detail))
        is AccountException.AccountLocked -> UiMessage(R.string.error_account_locked)
        is AccountException.RateLimited -> UiMessage(R.string.error_rate_limited)
        is AccountException.Offline -> UiMessage(R.string.error_offline)
        is AccountException.Unavailable -> UiMessage(R.string.error_unavailable)
        is AccountException.Storage -> UiMessage(R.string.error_storage)
        is AccountException.Unexpected -> UiMessage(R.string.error_unexpected)
    }
    is BookingException -> when (this) {
        is BookingException.InvalidInput -> UiMessage(R.string.error_fix_fields)
        is BookingException.NotSignedIn -> UiMessage(R.string.error_not_signed_in)
        is BookingException.NotFound -> UiMessage(R.string.error_not_found)
        is BookingException.SlotFull -> UiMessage(R.string.error_slot_full)
        is BookingException.SlotClosed -> UiMessage(R.string.error_slot_closed)
        is BookingException.SlotInPast -> UiMessage(R.string.error_slot_in_past)
        is BookingException.AlreadyBooked -> UiMessage(R.string.error_already_booked)
        is BookingException.TooManyAppointments -> UiMessage(R.string.error_conflict, listOf(detail))
        is BookingException.CancellationTooLate -> UiMessage(R.string.error_cancellation_too_late)
        is BookingException.NotActive -> UiMessage(R.string.error_appointment_not_active)
        is BookingException.Refused -> UiMessage(R.string.error_conflict, listOf(detail))
        is BookingException.AccountLocked -> UiMessage(R.string.error_account_locked)
        is BookingException.RateLimited -> UiMessage(R.string.error_rate_limited)
        is BookingException.Offline -> UiMessage(R.string.error_offline)
        is BookingException.Unavailable -> UiMessage(R.string.error_unavailable)
        is BookingException.Storage -> UiMessage(R.string.error_storage)
        is BookingException.Unexpected -> UiMessage(R.string.error_unexpected)
    }
    is CertificateException -> when (this) {
        is CertificateException.NoPinnedKey -> UiMessage(R.string.error_no_trust_key)
        is CertificateException.InvalidKey -> UiMessage(R.string.error_no_trust_key)
        is CertificateException.ListRejected -> UiMessage(R.string.error_list_rejected)
        is CertificateException.NotACertificate -> UiMessage(R.string.error_conflict, listOf(detail))
        is CertificateException.NotFound -> UiMessage(R.string.error_not_found)
        is CertificateException.RateLimited -> UiMessage(R.string.error_rate_limited)
        is CertificateException.Offline -> UiMessage(R.string.error_offline)
        is CertificateException.Unavailable -> UiMessage(R.string.error_unavailable)
        is CertificateException.Storage -> UiMessage(R.string.error_storage)
        is CertificateException.Unexpected -> UiMessage(R.string.error_unexpected)
    }
    is QrException -> UiMessage(R.string.error_unexpected)
    is OfflineException -> when (this) {
        is OfflineException.NotSignedIn -> UiMessage(R.string.error_not_signed_in)
        is OfflineException.Storage -> UiMessage(R.string.error_storage)
        is OfflineException.Unexpected -> UiMessage(R.string.error_unexpected)
    }
    is PasskeyPlatformException.Cancelled -> UiMessage(R.string.error_passkey_cancelled)
    is PasskeyPlatformException.NoPasskey -> UiMessage(R.string.error_passkey_unavailable)
    else -> UiMessage(R.string.error_unexpected)
}

/** The per-field problems of a validation error, keyed by field, in the core's language. */
fun Throwable.fieldProblems(): Map<String, String> {
    val issues: List<FieldProblem> = when (this) {
        is AuthException.InvalidInput -> issues
        is AccountException.InvalidInput -> issues
        is BookingException.InvalidInput -> issues
        else -> emptyList()
    }
    return issues.groupBy { it.field }.mapValues { (_, list) -> list.joinToString("\n") { it.detail } }
}

/** Whether this error means the session is over and the sign-in screen is next. */
fun Throwable.endsSession(): Boolean =
    this is AuthException.NotSignedIn || this is AccountException.NotSignedIn ||
        this is OfflineException.NotSignedIn || this is BookingException.NotSignedIn
