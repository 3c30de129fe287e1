import HealthBookCore
import SwiftUI

@MainActor
final class AccountModel: ObservableObject {
    @Published var sessions: [SessionInfo] = []
    @Published var busy = false
    @Published var error: String?

    func load(_ app: AppModel) async {
        await run(app) { sessions = try await app.core.account().sessions() }
    }

    func end(_ session: SessionInfo, _ app: AppModel) async {
        await run(app) {
            try await app.core.account().endSession(sessionId: session.id)
            sessions = try await app.core.account().sessions()
        }
    }

    func signOut(everywhere: Bool, _ app: AppModel) async {
        await run(app) {
            try await app.core.auth().signOut(everywhere: everywhere)
            app.signedOut()
        }
    }

    private func run(_ app: AppModel, _ work: () async throws -> Void) async {
        busy = true
        error = nil
        defer { busy = false }
        do { try await work() } catch {
            if endsSession(error) { app.signedOut() } else { self.error = message(for: error) }
        }
    }
}

/// The account tab: where the citizen is signed in, and signing out.
struct AccountView: View {
    @EnvironmentObject private var app: AppModel
    @StateObject private var model = AccountModel()

    var body: some View {
        List {
            SwiftUI.Section("sessions.title") {
                ForEach(model.sessions, id: \.id) { session in
                    VStack(alignment: .leading, spacing: 4) {
                        Text(session.deviceName ?? String(localized: "session.unknown_device")).font(.headline)
                        Text(String(format: String(localized: "session.since"), session.createdAt.formatted(date: .abbreviated, time: .shortened)))
                            .font(.footnote)
                        if session.current {
                            Text("session.current").foregroundStyle(.tint)
                        } else {
                            Button("session.end") { Task { await model.end(session, app) } }.disabled(model.busy)
                        }
                    }
                }
            }
            if let error = model.error { Text(error).foregroundStyle(.red) }
            SwiftUI.Section {
                Button("sign_out") { Task { await model.signOut(everywhere: false, app) } }
                Button("sign_out_everywhere", role: .destructive) { Task { await model.signOut(everywhere: true, app) } }
            }
            .disabled(model.busy)
        }
        .navigationTitle("tab.account")
        .task { await model.load(app) }
        .refreshable { await model.load(app) }
    }
}
