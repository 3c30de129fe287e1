import Foundation
import HealthBookCore

/// The language the app speaks, and the core with it (see `AppModel`).
var appLang: Lang { Locale.current.language.languageCode?.identifier == "en" ? .en : .vi }

/// What to tell the person about a failure. The core says it for its own errors, in the app's
/// language; the app only words what the platform threw (a passkey sheet cancelled).
func message(for error: Error) -> String {
    switch error {
    case let error as AuthError: return error.userMessage(lang: appLang)
    case let error as AccountError: return error.userMessage(lang: appLang)
    case let error as BookError: return error.userMessage(lang: appLang)
    case let error as BookingError: return error.userMessage(lang: appLang)
    case let error as CertificateError: return error.userMessage(lang: appLang)
    case let error as OfflineError: return error.userMessage(lang: appLang)
    case let error as VaccinationError: return error.userMessage(lang: appLang)
    case let InputError.Invalid(issue): return issue.message(lang: appLang)
    case PasskeyPlatformError.cancelled: return String(localized: "error.passkey_cancelled")
    default: return String(localized: "error.unexpected")
    }
}

/// The failure every area shares, when `error` is one: signed out, offline, invalid input…
func common(_ error: Error) -> CommonError? {
    switch error {
    case let AuthError.Common(shared), let AccountError.Common(shared), let BookError.Common(shared),
         let BookingError.Common(shared), let CertificateError.Common(shared), let OfflineError.Common(shared),
         let VaccinationError.Common(shared):
        return shared
    default:
        return nil
    }
}

/// The per-field problems of a validation error, keyed by field, in the app's language.
func fieldProblems(of error: Error) -> [String: String] {
    guard case let .invalidInput(issues)? = common(error) else { return [:] }
    return problemsByField(issues)
}

func problemsByField(_ issues: [FieldIssue]) -> [String: String] {
    Dictionary(grouping: issues, by: \.field).mapValues { $0.map { $0.message(lang: appLang) }.joined(separator: "\n") }
}

/// Whether the session is over and the sign-in screen is next.
func endsSession(_ error: Error) -> Bool {
    if case .notSignedIn? = common(error) { return true }
    return false
}

/// Whether the network is what failed: the screen shows what the phone holds instead.
func isOffline(_ error: Error) -> Bool {
    if case .offline? = common(error) { return true }
    return false
}
