import Foundation
import HealthBookCore

/// The family's vaccinations. The core works each due list out from the book's section III,
/// so it shows offline too (from the phone's copy); this only asks it.
@MainActor
final class VaccinationModel: ObservableObject {
    @Published var family: [DueView] = []
    @Published var chosen: UUID?
    @Published var offline = false
    @Published var busy = false
    @Published var notice: String?

    var person: DueView? { family.first { $0.citizen.citizenId == chosen } ?? family.first }

    /// Sends what waits, then reads the books again (the phone's copy offline).
    func reload(_ app: AppModel) async {
        busy = true
        notice = nil
        defer { busy = false }
        do {
            _ = try? await app.core.offline().sync()
            family = try await app.core.vaccination().familyDue()
            offline = family.contains { $0.fromCache }
        } catch {
            if endsSession(error) { app.signedOut() } else { notice = message(for: error) }
            offline = isOffline(error)
        }
    }
}
