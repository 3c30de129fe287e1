import Foundation
import HealthBookCore

/// A dose the server refused on a sync, as the pending list shows it: whose, and why.
struct DoseConflictLine: Identifiable {
    let id = UUID()
    let person: String
    let message: String
}

/// A vaccinator's day: prepared while there is network, then a visit per scanned QR —
/// checklist, due antigens, lot — and the dose, which the core queues when the site has no
/// network. The rules (screening, schedule, lots) are the core's; this only collects answers.
@MainActor
final class VaccinatorModel: ObservableObject {
    @Published var day: VaccinationDay?
    @Published var visit: Visit?
    @Published var group = ScreeningGroup.child
    @Published var questions: [ScreeningQuestion] = []
    /// Answers by item; every item but the temperature must be answered.
    @Published var answers: [String: Bool] = [:]
    /// As typed, in °C ("36.8").
    @Published var temperature = ""
    @Published var lotId: UUID?
    @Published var site = "left_thigh"
    @Published var route = "intramuscular"
    @Published var pending: [PendingAction] = []
    @Published var conflicts: [DoseConflictLine] = []
    @Published var busy = false
    @Published var notice: String?

    /// The temperature in tenths of a degree, as the screening counts it.
    var temperatureTenths: UInt16? {
        guard let value = Decimal(string: temperature.replacingOccurrences(of: ",", with: ".")) else { return nil }
        let tenths = NSDecimalNumber(decimal: value * 10).intValue
        return (0...999).contains(tenths) ? UInt16(tenths) : nil
    }

    var canRecord: Bool {
        visit != nil && lotId != nil && temperatureTenths != nil
            && questions.filter { $0.item != "temperature" }.allSatisfy { answers[$0.item] != nil }
    }

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

    private func doses(_ app: AppModel) async throws -> [PendingAction] {
        try await app.core.offline().pending().filter {
            if case .recordDose = $0.action { return true }
            return false
        }
    }

    func load(_ app: AppModel, facility: UUID) async {
        choose(app, group: group)
        await work(app) {
            day = try await app.core.vaccinator().day(facilityId: facility)
            pending = try await doses(app)
        }
    }

    func prepareDay(_ app: AppModel, facility: UUID) async {
        await work(app) {
            let today = ISO8601DateFormatter.string(from: Date(), timeZone: .current, formatOptions: [.withFullDate])
            day = try await app.core.vaccinator().prepareDay(facilityId: facility, date: today)
        }
    }

    func open(_ app: AppModel, facility: UUID, code: String) async {
        await work(app) {
            let opened = try await app.core.vaccinator().openVisit(facilityId: facility, scanned: code)
            visit = opened
            lotId = opened.lots.count == 1 ? opened.lots.first?.lotId : nil
            // The checklist the core found for the person's age; the worker may still switch.
            choose(app, group: opened.screeningGroup ?? group)
            temperature = ""
        }
    }

    func choose(_ app: AppModel, group: ScreeningGroup) {
        self.group = group
        questions = app.core.vaccinator().screeningChecklist(group: group)
        answers = [:]
    }

    func record(_ app: AppModel) async {
        guard let visit, let lot = visit.lots.first(where: { $0.lotId == lotId }), let tenths = temperatureTenths else { return }
        let request = AdministerRequest(
            citizenId: nil,
            appointmentCode: visit.appointment.code,
            vaccine: visit.appointment.vaccine ?? lot.vaccine,
            product: lot.product,
            lotId: lot.lotId,
            doseNumber: nil,
            site: site,
            route: route,
            programme: visit.programme ?? .expanded,
            screening: ScreeningAnswers(
                group: group,
                temperatureTenths: tenths,
                answers: answers.map { ScreeningAnswer(item: $0.key, yes: $0.value) }
            )
        )
        await work(app) {
            switch try await app.core.vaccinator().recordDose(request: request) {
            case .recorded:
                notice = format("vaccinator.recorded", visit.appointment.citizenName)
            case let .queued(_, warning):
                notice = warning.map { doseConflictMessage(conflict: $0, lang: appLang) }
                    ?? String(localized: "vaccinator.queued")
            }
            self.visit = nil
            lotId = nil
            answers = [:]
            temperature = ""
            pending = try await doses(app)
        }
    }

    /// Sends the queued doses; refusals stay on screen, each with its reason.
    func sync(_ app: AppModel) async {
        await work(app) {
            let report = try await app.core.offline().sync()
            let refused: [DoseConflictLine] = report.outcomes.compactMap { outcome in
                guard case let .doseRefused(conflict) = outcome.result else { return nil }
                var person = ""
                if case let .recordDose(_, _, name) = outcome.action.action { person = name ?? "" }
                return DoseConflictLine(person: person, message: doseConflictMessage(conflict: conflict, lang: appLang))
            }
            conflicts = refused + conflicts
            pending = try await doses(app)
        }
    }
}
