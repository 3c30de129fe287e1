import HealthBookCore
import SwiftUI

@MainActor
final class SignInModel: ObservableObject {
    @Published var email = ""
    @Published var code = "" {
        didSet { if code != codeDigits(typed: code) { code = codeDigits(typed: code) } }
    }
    @Published var codeSentMinutes: Int?
    @Published var busy = false
    @Published var error: String?

    /// A discoverable sign-in: iOS offers the passkeys it holds for HealthBook.
    func signInWithPasskey(_ app: AppModel) async {
        await run {
            let request = try await app.core.auth().startPasskeySignIn(email: nil)
            let assertion = try await app.passkeys.assert(request)
            _ = try await app.core.auth().finishPasskeySignInPlatform(ceremonyId: request.ceremonyId, assertion: assertion)
            app.signedIn()
        }
    }

    func sendCode(_ app: AppModel) async {
        await run {
            let sent = try await app.core.auth().startEmailSignIn(email: email.trimmingCharacters(in: .whitespaces))
            codeSentMinutes = Int(sent.expiresInSeconds / 60)
        }
    }

    func signInWithCode(_ app: AppModel) async {
        await run {
            _ = try await app.core.auth().finishEmailSignIn(email: email.trimmingCharacters(in: .whitespaces), code: code)
            app.signedIn()
        }
    }

    private func run(_ work: () async throws -> Void) async {
        busy = true
        error = nil
        defer { busy = false }
        do { try await work() } catch { self.error = message(for: error) }
    }
}

struct SignInView: View {
    @EnvironmentObject private var app: AppModel
    @StateObject private var model = SignInModel()

    var body: some View {
        Form {
            SwiftUI.Section {
                Text("signin.subtitle")
                Button {
                    Task { await model.signInWithPasskey(app) }
                } label: {
                    Label("signin.passkey", systemImage: "person.badge.key")
                }
                .disabled(model.busy)
            }
            SwiftUI.Section("signin.or_email") {
                FormField(label: "email.label", text: $model.email, keyboard: .emailAddress)
                if let minutes = model.codeSentMinutes {
                    Text(String(format: String(localized: "code.sent"), model.email, minutes))
                    FormField(label: "code.label", text: $model.code, keyboard: .numberPad)
                    Button("sign_in") { Task { await model.signInWithCode(app) } }
                        .disabled(model.busy || model.code.count != Int(codeLength()))
                } else {
                    Button("send_code") { Task { await model.sendCode(app) } }
                        .disabled(model.busy || model.email.isEmpty)
                }
            }
            if let error = model.error {
                SwiftUI.Section { Text(error).foregroundStyle(.red) }
            }
            SwiftUI.Section {
                NavigationLink("create_account") { RegisterView() }
            }
        }
        .navigationTitle("signin.title")
    }
}
