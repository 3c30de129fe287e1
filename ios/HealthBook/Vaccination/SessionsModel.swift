import Foundation
import HealthBookCore

/// Who a registration may be for: oneself (`citizenId` nil) or a dependent.
struct Registrant: Hashable {
    let citizenId: UUID?
    let name: String
}

/// The citizen's side of sessions: find a vaccinating facility's sessions, register oneself
/// or a dependent for a vaccine (the core says why a dose is refused, with its first day when
/// too early). A reaction is reported from the dose itself, on the due screen.
@MainActor
final class SessionsModel: ObservableObject {
    @Published var facilities: [Facility] = []
    @Published var facility: Facility?
    @Published var sessions: [VaccinationSession] = []
    @Published var family: [Registrant] = []
    @Published var registrant: Registrant?
    @Published var busy = false
    @Published var notice: String?

    private func work(_ app: AppModel, _ job: () async throws -> Void) async {
        busy = true
        notice = nil
        defer { busy = false }
        do {
            try await job()
        } catch {
            if endsSession(error) { app.signedOut() } else { notice = message(for: error) }
        }
    }

    func load(_ app: AppModel) async {
        await work(app) {
            let me = try await app.core.offline().me()
            let dependents = try await app.core.offline().dependents()
            family = [Registrant(citizenId: nil, name: me?.citizen?.fullName ?? "")]
                + dependents.map { Registrant(citizenId: $0.citizen.citizenId, name: $0.citizen.fullName) }
            registrant = registrant ?? family.first
        }
    }

    func search(_ app: AppModel, text: String) async {
        await work(app) {
            let query = FacilityQuery(q: text, service: .vaccination)
            facilities = try await app.core.booking().searchFacilities(query: query).items
        }
    }

    func choose(_ app: AppModel, facility: Facility) async {
        await work(app) {
            sessions = try await app.core.vaccination().sessions(facilityId: facility.id, from: nil, to: nil)
            self.facility = facility
        }
    }

    func register(_ app: AppModel, session: VaccinationSession, vaccine: String) async {
        guard let who = registrant else { return }
        await work(app) {
            let request = RegisterForSessionRequest(citizenId: who.citizenId, vaccine: vaccine, product: nil, slotId: nil)
            let appointment = try await app.core.vaccination().register(sessionId: session.id, request: request)
            sessions = try await app.core.vaccination().sessions(facilityId: session.facilityId, from: nil, to: nil)
            notice = format("sessions.registered", appointment.citizenName, Int(appointment.queueNumber))
        }
    }
}
