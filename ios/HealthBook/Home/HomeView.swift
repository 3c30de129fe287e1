import HealthBookCore
import SwiftUI

@MainActor
final class HomeModel: ObservableObject {
    @Published var me: Me?
    @Published var offline = false
    @Published var syncedAt: Date?
    @Published var pending = 0
    @Published var busy = false
    @Published var notice: String?
    @Published var dependentProblems: [String: String] = [:]
    @Published var addingDependent = false
    /// Children facilities reported born to this citizen, each offered as a dependent.
    @Published var expectedChildren: [ExpectedChild] = []
    /// The offer the add-dependent sheet was opened from: its fields start filled.
    @Published var dependentFrom: ExpectedChild?

    /// A basic session without any passkey: offer one before health data is needed.
    var offerPasskey: Bool { me.map { $0.passkeys == 0 && $0.assurance != .passkey } ?? false }

    /// When a recovery that someone asked for opens, while it waits: the owner may stop it.
    var recoveryOpensAt: Date? { me?.recoveryPendingUntil }

    /// What the phone holds, at once and without network; then the fresh account.
    func load(_ app: AppModel) async {
        let offline = app.core.offline()
        me = try? await offline.me()
        syncedAt = try? await offline.syncedAt()
        pending = (try? await offline.pending().count) ?? 0
        await refresh(app)
    }

    func refresh(_ app: AppModel) async {
        do {
            let report = try await app.core.offline().sync()
            for outcome in report.outcomes {
                switch outcome.result {
                case .applied, .booked: continue
                case let .slotFull(detail):
                    notice = String(format: String(localized: "sync.conflict"), detail)
                case let .conflict(_, detail), let .refused(_, detail):
                    notice = String(format: String(localized: "sync.conflict"), detail)
                case let .invalid(issues):
                    notice = String(format: String(localized: "sync.conflict"), issues.map { $0.message(lang: appLang) }.joined(separator: ", "))
                }
            }
            me = try await app.core.account().me()
            expectedChildren = try await app.core.account().expectedChildren()
            syncedAt = try await app.core.offline().syncedAt()
            pending = Int(report.remaining)
            offline = false
        } catch {
            if isOffline(error) {
                offline = true
            } else if endsSession(error) {
                app.signedOut()
            } else {
                notice = message(for: error)
            }
        }
    }

    func addDependent(_ app: AppModel, nationalId: String, fullName: String, dateOfBirth: String, sex: Sex) async {
        let date: String
        do {
            date = try parseDate(field: "date_of_birth", typed: dateOfBirth)
        } catch let InputError.Invalid(issue) {
            dependentProblems = problemsByField([issue])
            return
        } catch {
            return
        }
        let request = AddDependentRequest(
            nationalId: nationalIdDigits(typed: nationalId), fullName: fullName, dateOfBirth: date, sex: sex
        )
        dependentProblems = problemsByField(app.core.account().validateDependent(request: request))
        guard dependentProblems.isEmpty else { return }
        busy = true
        defer { busy = false }
        do {
            switch try await app.core.account().addDependent(request: request) {
            case let .added(dependent):
                notice = String(format: String(localized: "dependent.added"), dependent.citizen.fullName)
            case .queued:
                notice = String(format: String(localized: "dependent.queued"), fullName)
            }
            addingDependent = false
            dependentFrom = nil
            // A child added from an offer takes it (the birth is now in the child's book).
            expectedChildren = (try? await app.core.account().expectedChildren()) ?? expectedChildren
            me = try? await app.core.offline().me()
            pending = (try? await app.core.offline().pending().count) ?? pending
        } catch {
            notice = message(for: error)
            dependentProblems = fieldProblems(of: error)
        }
    }

    /// The add-dependent sheet, filled with what the facility knew of the child.
    func add(_ child: ExpectedChild) {
        dependentFrom = child
        addingDependent = true
    }

    /// The child is not in this citizen's care: the offer is not shown again.
    func dismiss(_ app: AppModel, _ child: ExpectedChild) async {
        do {
            try await app.core.account().dismissExpectedChild(id: child.id)
            expectedChildren.removeAll { $0.id == child.id }
        } catch {
            notice = message(for: error)
        }
    }

    /// Stops a recovery of the account that someone else asked for. It needs a passkey
    /// session: with an email-code session the core says so (sign in with the passkey first).
    func cancelRecovery(_ app: AppModel) async {
        busy = true
        defer { busy = false }
        do {
            try await app.core.account().cancelRecovery()
            notice = String(localized: "recovery.cancelled")
            await refresh(app)
        } catch {
            notice = message(for: error)
        }
    }

    func setUpPasskey(_ app: AppModel) async {
        busy = true
        defer { busy = false }
        do {
            let creation = try await app.core.auth().startPasskeyRegistration(name: UIDeviceName.current)
            let registration = try await app.passkeys.register(creation)
            _ = try await app.core.auth().finishPasskeyRegistrationPlatform(ceremonyId: creation.ceremonyId, registration: registration)
            notice = String(localized: "passkey.added")
            await refresh(app)
        } catch {
            notice = message(for: error)
        }
    }
}

struct HomeView: View {
    @EnvironmentObject private var app: AppModel
    @StateObject private var model = HomeModel()

    var body: some View {
        List {
            SwiftUI.Section {
                if let citizen = model.me?.citizen { ProfileRows(citizen: citizen) }
                if model.offline { Text("home.offline").foregroundStyle(.orange) }
                if let syncedAt = model.syncedAt {
                    Text(String(format: String(localized: "home.last_synced"), syncedAt.formatted(date: .abbreviated, time: .shortened)))
                        .font(.footnote)
                }
                if model.pending > 0 {
                    Text(String(format: String(localized: "home.pending"), model.pending)).font(.footnote)
                }
                if let notice = model.notice { Text(notice).foregroundStyle(.tint) }
            }
            if let opensAt = model.recoveryOpensAt {
                SwiftUI.Section {
                    VStack(alignment: .leading, spacing: 8) {
                        Text("recovery.title").font(.headline)
                        Text(String(format: String(localized: "recovery.body"), opensAt.formatted(date: .abbreviated, time: .shortened)))
                        Button("recovery.cancel", role: .destructive) { Task { await model.cancelRecovery(app) } }
                            .buttonStyle(.borderedProminent)
                            .disabled(model.busy)
                    }
                    .foregroundStyle(.red)
                }
            }
            if model.offerPasskey {
                SwiftUI.Section("passkey.setup_title") {
                    Text("passkey.setup_body")
                    Button("passkey.setup_action") { Task { await model.setUpPasskey(app) } }
                        .disabled(model.busy)
                }
            }
            ForEach(model.expectedChildren, id: \.id) { child in
                SwiftUI.Section {
                    Text(child.intendedName ?? String(localized: "expected_child.unnamed")).font(.headline)
                    Text(String(format: String(localized: "expected_child.body"), child.bornOn, child.facilityName))
                    if let grams = child.weightGrams {
                        Text(String(format: String(localized: "expected_child.weight"), Int(grams)))
                    }
                    Button("expected_child.add") { model.add(child) }
                    Button("expected_child.dismiss", role: .destructive) { Task { await model.dismiss(app, child) } }
                }
            }
            SwiftUI.Section("home.dependents") {
                let dependents = model.me?.dependents ?? []
                if dependents.isEmpty { Text("home.no_dependents") }
                ForEach(dependents, id: \.citizen.citizenId) { dependent in
                    VStack(alignment: .leading, spacing: 4) {
                        Text(dependent.citizen.fullName).font(.headline)
                        ProfileRows(citizen: dependent.citizen)
                        if let until = dependent.guardianshipEndsOn {
                            Text(String(format: String(localized: "home.guardian_until"), until)).font(.footnote)
                        }
                    }
                }
                Button("home.add_dependent") {
                    model.dependentFrom = nil
                    model.addingDependent = true
                }
            }
        }
        .navigationTitle(String(format: String(localized: "home.greeting"), model.me?.citizen?.fullName ?? ""))
        .refreshable { await model.refresh(app) }
        .task { await model.load(app) }
        .sheet(isPresented: $model.addingDependent) {
            AddDependentSheet(model: model)
        }
    }
}

private struct ProfileRows: View {
    let citizen: CitizenProfile

    var body: some View {
        Text(String(format: String(localized: "home.masked_id"), citizen.nationalIdMasked)).font(.subheadline)
        Text(String(format: String(localized: "home.born"), citizen.dateOfBirth)).font(.subheadline)
        if citizen.verification == .unverified {
            Text("unverified").font(.footnote).foregroundStyle(.red)
        }
    }
}

private struct AddDependentSheet: View {
    @EnvironmentObject private var app: AppModel
    @ObservedObject var model: HomeModel
    @State private var nationalId = ""
    @State private var fullName = ""
    @State private var dateOfBirth = ""
    @State private var sex: Sex = .male

    var body: some View {
        NavigationStack {
            Form {
                if model.dependentFrom != nil {
                    Text("expected_child.form_hint").font(.footnote)
                }
                FormField(label: "national_id.label", text: $nationalId, problem: model.dependentProblems["national_id"], keyboard: .numberPad)
                FormField(label: "full_name.label", text: $fullName, problem: model.dependentProblems["full_name"])
                FormField(label: "date_of_birth.label", text: $dateOfBirth, problem: model.dependentProblems["date_of_birth"], keyboard: .numbersAndPunctuation)
                Picker("sex.label", selection: $sex) {
                    Text("sex.male").tag(Sex.male)
                    Text("sex.female").tag(Sex.female)
                }
                .pickerStyle(.segmented)
            }
            .navigationTitle("dependent.dialog_title")
            .toolbar {
                ToolbarItem(placement: .cancellationAction) { Button("cancel") { model.addingDependent = false } }
                ToolbarItem(placement: .confirmationAction) {
                    Button("save") {
                        Task { await model.addDependent(app, nationalId: nationalId, fullName: fullName, dateOfBirth: dateOfBirth, sex: sex) }
                    }
                    .disabled(model.busy)
                }
            }
            .onAppear {
                guard let from = model.dependentFrom else { return }
                fullName = from.intendedName ?? ""
                dateOfBirth = from.bornOn
                sex = from.sex ?? .male
            }
        }
    }
}
