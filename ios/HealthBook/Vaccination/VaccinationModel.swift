import Foundation
import HealthBookCore

/// What the reaction form holds, as typed and ticked.
struct ReactionForm {
    /// `YYYY-MM-DD`, read by the core.
    var onset: String
    var symptoms: Set<String> = []
    var severity = ReactionSeverity.mild
    var serious = SeriousFlags(hospitalised: false, lifeThreatening: false, death: false)
    var note = ""
}

/// The family's vaccinations. The core works each due list out from the book's section III,
/// so it shows offline too (from the phone's copy); this only asks it. From a dose, the
/// person reports a reaction to it.
@MainActor
final class VaccinationModel: ObservableObject {
    @Published var family: [DueView] = []
    @Published var chosen: UUID?
    @Published var offline = false
    @Published var busy = false
    @Published var notice: String?
    /// The symptoms a reaction report may name, in the app's language.
    @Published var symptoms: [SymptomChoice] = []
    /// The dose whose reaction form is open.
    @Published var reporting: BookEntry?
    /// The core's or the server's problems per field of the form (`onset_on`, `symptoms`…).
    @Published var reactionProblems: [String: String] = [:]
    @Published var reactionNotice: String?

    var person: DueView? { family.first { $0.citizen.citizenId == chosen } ?? family.first }

    /// Sends what waits, then reads the books again (the phone's copy offline).
    func reload(_ app: AppModel) async {
        busy = true
        notice = nil
        defer { busy = false }
        if symptoms.isEmpty { symptoms = app.core.vaccination().reactionSymptoms() }
        do {
            _ = try? await app.core.offline().sync()
            family = try await app.core.vaccination().familyDue()
            offline = family.contains { $0.fromCache }
        } catch {
            if endsSession(error) { app.signedOut() } else { notice = message(for: error) }
            offline = isOffline(error)
        }
    }

    /// Opens the reaction form for `dose`, or closes it with nil.
    func openReaction(_ dose: BookEntry?) {
        reporting = dose
        reactionProblems = [:]
        reactionNotice = nil
    }

    /// Sends the report on the open dose, by its book entry's id. The core reads the onset
    /// (a day from the dose to today); the server checks the rest and decides seriousness.
    func reportReaction(_ app: AppModel, form: ReactionForm) async {
        guard let entry = reporting, case let .immunization(dose) = entry.body else { return }
        let onset: String
        do {
            onset = try app.core.vaccination().reactionOnset(typed: form.onset, givenOn: dose.administeredOn)
        } catch let InputError.Invalid(issue) {
            reactionProblems = problemsByField([issue])
            return
        } catch {
            reactionNotice = message(for: error)
            return
        }
        // The report names its symptoms in the list's order, whatever order they were ticked in.
        let codes = symptoms.map(\.code).filter { form.symptoms.contains($0) }
        let note = form.note.trimmingCharacters(in: .whitespacesAndNewlines)
        let report = ReactionReport(
            onsetOn: onset,
            symptoms: codes,
            severity: form.severity,
            serious: form.serious,
            note: note.isEmpty ? nil : note
        )
        busy = true
        reactionProblems = [:]
        reactionNotice = nil
        defer { busy = false }
        do {
            let reaction = try await app.core.vaccination().reportReaction(doseId: entry.entryId, report: report)
            reporting = nil
            notice = String(localized: reaction.serious ? "reaction.sent_serious" : "reaction.sent")
        } catch {
            if endsSession(error) {
                app.signedOut()
            } else {
                reactionNotice = message(for: error)
                reactionProblems = fieldProblems(of: error)
            }
        }
    }
}
