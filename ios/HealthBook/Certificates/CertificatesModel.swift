import Foundation
import HealthBookCore

/// "My certificates" and the verifier. The verdicts are the core's, offline; this only asks
/// it, and refreshes the signed lists when the network allows.
@MainActor
final class CertificatesModel: ObservableObject {
    @Published var saved: [SavedCertificate] = []
    @Published var lists: ListsStatus?
    @Published var text = ""
    @Published var check: CertificateCheck?
    @Published var offline = false
    @Published var busy = false
    @Published var notice: String?

    func load(_ app: AppModel) async {
        await reload(app)
        await refreshLists(app)
    }

    private func reload(_ app: AppModel) async {
        saved = (try? await app.core.certificates().saved()) ?? []
        lists = try? await app.core.certificates().status()
    }

    /// Fetches the lists when they changed; offline, the stored ones go on working.
    func refreshLists(_ app: AppModel) async {
        await run {
            do {
                _ = try await app.core.certificates().refresh()
                self.offline = false
            } catch let error as CertificateError where isOffline(error) {
                self.offline = true
            }
        }
        await reload(app)
    }

    func verify(_ app: AppModel, text: String) async {
        self.text = text
        await run { self.check = try await app.core.certificates().verify(hc1: text) }
    }

    func save(_ app: AppModel) async {
        await run {
            _ = try await app.core.certificates().save(hc1: self.text)
            self.text = ""
            self.check = nil
        }
        await reload(app)
    }

    func remove(_ app: AppModel, _ certificate: SavedCertificate) async {
        await run { try await app.core.certificates().remove(id: certificate.id) }
        await reload(app)
    }

    private func run(_ work: () async throws -> Void) async {
        busy = true
        notice = nil
        defer { busy = false }
        do { try await work() } catch { notice = message(for: error) }
    }
}
