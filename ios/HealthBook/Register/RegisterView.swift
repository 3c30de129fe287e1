import HealthBookCore
import SwiftUI

@MainActor
final class RegisterModel: ObservableObject {
    @Published var nationalId = ""
    @Published var fullName = ""
    @Published var dateOfBirth = ""
    @Published var sex: Sex = .female
    @Published var email = ""
    @Published var phone = ""
    @Published var problems: [String: String] = [:]
    @Published var busy = false
    @Published var error: String?
    @Published var registeredEmail: String?

    func submit(_ app: AppModel) async {
        let date: String
        do {
            date = try parseDate(field: "date_of_birth", typed: dateOfBirth)
        } catch let InputError.Invalid(issue) {
            problems = problemsByField([issue])
            return
        } catch {
            return
        }
        let request = RegisterRequest(
            nationalId: nationalIdDigits(typed: nationalId),
            fullName: fullName,
            dateOfBirth: date,
            sex: sex,
            email: email.trimmingCharacters(in: .whitespaces),
            phone: phone,
            lang: appLang
        )
        // The same rules as the server, at once and offline: every field's problem together.
        problems = problemsByField(app.core.auth().validateRegistration(request: request))
        guard problems.isEmpty else { return }
        busy = true
        error = nil
        defer { busy = false }
        do {
            _ = try await app.core.auth().register(request: request)
            registeredEmail = request.email
        } catch {
            self.error = message(for: error)
            problems = fieldProblems(of: error)
        }
    }
}

struct RegisterView: View {
    @EnvironmentObject private var app: AppModel
    @StateObject private var model = RegisterModel()

    var body: some View {
        Form {
            FormField(label: "national_id.label", text: $model.nationalId, problem: model.problems["national_id"], keyboard: .numberPad)
            FormField(label: "full_name.label", text: $model.fullName, problem: model.problems["full_name"])
            FormField(label: "date_of_birth.label", text: $model.dateOfBirth, problem: model.problems["date_of_birth"], keyboard: .numbersAndPunctuation)
            Picker("sex.label", selection: $model.sex) {
                Text("sex.female").tag(Sex.female)
                Text("sex.male").tag(Sex.male)
            }
            .pickerStyle(.segmented)
            FormField(label: "email.label", text: $model.email, problem: model.problems["email"], keyboard: .emailAddress)
            FormField(label: "phone.label", text: $model.phone, problem: model.problems["phone"], keyboard: .phonePad)
            if let error = model.error { Text(error).foregroundStyle(.red) }
            Button("register.submit") { Task { await model.submit(app) } }
                .disabled(model.busy)
        }
        .navigationTitle("register.title")
        .navigationDestination(isPresented: Binding(
            get: { model.registeredEmail != nil },
            set: { shown in if !shown { model.registeredEmail = nil } }
        )) {
            VerifyEmailView(email: model.registeredEmail ?? "")
        }
    }
}

@MainActor
final class VerifyEmailModel: ObservableObject {
    @Published var code = "" {
        didSet { if code != codeDigits(typed: code) { code = codeDigits(typed: code) } }
    }
    @Published var busy = false
    @Published var error: String?

    func verify(_ app: AppModel, email: String) async {
        busy = true
        error = nil
        defer { busy = false }
        do {
            _ = try await app.core.auth().verifyEmail(email: email, code: code)
            app.signedIn()
        } catch {
            self.error = message(for: error)
        }
    }
}

struct VerifyEmailView: View {
    let email: String
    @EnvironmentObject private var app: AppModel
    @StateObject private var model = VerifyEmailModel()

    var body: some View {
        Form {
            Text(String(format: String(localized: "verify.body"), email))
            FormField(label: "code.label", text: $model.code, keyboard: .numberPad)
            if let error = model.error { Text(error).foregroundStyle(.red) }
            Button("verify.submit") { Task { await model.verify(app, email: email) } }
                .disabled(model.busy || model.code.count != Int(codeLength()))
        }
        .navigationTitle("verify.title")
    }
}
