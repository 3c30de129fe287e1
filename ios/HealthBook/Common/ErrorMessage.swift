import Foundation
import HealthBookCore

/// One message per variant of the core's error enums. The switches are exhaustive, so a
/// variant added to the core fails this build until it has a message.
func message(for error: Error) -> String {
    switch error {
    case let error as AuthError:
        switch error {
        case .InvalidInput: return String(localized: "error.fix_fields")
        case .NationalIdAlreadyRegistered: return String(localized: "error.national_id_taken")
        case .EmailAlreadyRegistered: return String(localized: "error.email_taken")
        case .InvalidCode: return String(localized: "error.invalid_code")
        case .PasskeyRequired: return String(localized: "error.passkey_required")
        case .PasskeyRejected, .MalformedPasskey: return String(localized: "error.passkey_rejected")
        case .NotSignedIn: return String(localized: "error.not_signed_in")
        case .AccountLocked: return String(localized: "error.account_locked")
        case .RateLimited: return String(localized: "error.rate_limited")
        case .Offline: return String(localized: "error.offline")
        case .Unavailable: return String(localized: "error.unavailable")
        case .Storage: return String(localized: "error.storage")
        case .Unexpected: return String(localized: "error.unexpected")
        }
    case let error as AccountError:
        switch error {
        case .InvalidInput: return String(localized: "error.fix_fields")
        case .NotSignedIn: return String(localized: "error.not_signed_in")
        case .StepUpRequired: return String(localized: "error.step_up")
        case .NotFound: return String(localized: "error.not_found")
        case .LastPasskey: return String(localized: "error.last_passkey")
        case let .Conflict(_, detail): return String(format: String(localized: "error.conflict"), detail)
        case .AccountLocked: return String(localized: "error.account_locked")
        case .RateLimited: return String(localized: "error.rate_limited")
        case .Offline: return String(localized: "error.offline")
        case .Unavailable: return String(localized: "error.unavailable")
        case .Storage: return String(localized: "error.storage")
        case .Unexpected: return String(localized: "error.unexpected")
        }
    case let error as BookingError:
        switch error {
        case .InvalidInput: return String(localized: "error.fix_fields")
        case .NotSignedIn: return String(localized: "error.not_signed_in")
        case .NotFound: return String(localized: "error.not_found")
        case .SlotFull: return String(localized: "error.slot_full")
        case .SlotClosed: return String(localized: "error.slot_closed")
        case .SlotInPast: return String(localized: "error.slot_in_past")
        case .AlreadyBooked: return String(localized: "error.already_booked")
        case let .TooManyAppointments(detail): return String(format: String(localized: "error.conflict"), detail)
        case .CancellationTooLate: return String(localized: "error.cancellation_too_late")
        case .NotActive: return String(localized: "error.appointment_not_active")
        case let .Refused(_, detail): return String(format: String(localized: "error.conflict"), detail)
        case .AccountLocked: return String(localized: "error.account_locked")
        case .RateLimited: return String(localized: "error.rate_limited")
        case .Offline: return String(localized: "error.offline")
        case .Unavailable: return String(localized: "error.unavailable")
        case .Storage: return String(localized: "error.storage")
        case .Unexpected: return String(localized: "error.unexpected")
        }
    case let error as CertificateError:
        switch error {
        case .NoPinnedKey, .InvalidKey: return String(localized: "error.no_trust_key")
        case .ListRejected: return String(localized: "error.list_rejected")
        case let .NotACertificate(_, detail): return String(format: String(localized: "error.conflict"), detail)
        case .NotFound: return String(localized: "error.not_found")
        case .RateLimited: return String(localized: "error.rate_limited")
        case .Offline: return String(localized: "error.offline")
        case .Unavailable: return String(localized: "error.unavailable")
        case .Storage: return String(localized: "error.storage")
        case .Unexpected: return String(localized: "error.unexpected")
        }
    case is QrError:
        return String(localized: "error.unexpected")
    case let error as OfflineError:
        switch error {
        case .NotSignedIn: return String(localized: "error.not_signed_in")
        case .Storage: return String(localized: "error.storage")
        case .Unexpected: return String(localized: "error.unexpected")
        }
    case PasskeyPlatformError.cancelled:
        return String(localized: "error.passkey_cancelled")
    default:
        return String(localized: "error.unexpected")
    }
}

/// The per-field problems of a validation error, keyed by field, in the core's language.
func fieldProblems(of error: Error) -> [String: String] {
    let issues: [FieldProblem]
    switch error {
    case let AuthError.InvalidInput(list): issues = list
    case let AccountError.InvalidInput(list): issues = list
    case let BookingError.InvalidInput(list): issues = list
    default: issues = []
    }
    return problemsByField(issues)
}

func problemsByField(_ issues: [FieldProblem]) -> [String: String] {
    Dictionary(grouping: issues, by: \.field).mapValues { $0.map(\.detail).joined(separator: "\n") }
}

/// Whether the session is over and the sign-in screen is next.
func endsSession(_ error: Error) -> Bool {
    switch error {
    case AuthError.NotSignedIn, AccountError.NotSignedIn, OfflineError.NotSignedIn, BookingError.NotSignedIn: return true
    default: return false
    }
}
