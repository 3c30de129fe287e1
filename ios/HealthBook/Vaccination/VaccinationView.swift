import HealthBookCore
import SwiftUI

private let instants: DateFormatter = {
    let formatter = DateFormatter()
    formatter.dateStyle = .short
    formatter.timeStyle = .short
    return formatter
}()

/// Vaccinations: the family's due list and doses, the sessions to register for, the
/// certificates beside them, and — for a vaccinator — the day's work at their facility.
struct VaccinationTabView: View {
    enum Page: Hashable { case due, sessions, certificates, vaccinator }
    @EnvironmentObject private var app: AppModel
    @State private var page = Page.due
    @State private var station: UUID?

    var body: some View {
        NavigationStack {
            VStack(spacing: 0) {
                Picker("tab.vaccinations", selection: $page) {
                    Text("vaccination.due_tab").tag(Page.due)
                    Text("vaccination.sessions_tab").tag(Page.sessions)
                    Text("tab.certificates").tag(Page.certificates)
                    if station != nil { Text("vaccination.vaccinator_tab").tag(Page.vaccinator) }
                }
                .pickerStyle(.segmented)
                .padding(.horizontal)
                switch (page, station) {
                case (.due, _): DueListView()
                case (.sessions, _): SessionsView()
                case let (.vaccinator, facility?): VaccinatorView(facility: facility)
                default: CertificatesView()
                }
            }
        }
        .task {
            let me = try? await app.core.offline().me()
            station = me?.roles.first { $0.role == .vaccinator }?.facilityId
        }
    }
}

private struct DueListView: View {
    @EnvironmentObject private var app: AppModel
    @StateObject private var model = VaccinationModel()

    var body: some View {
        List {
            if model.offline, let person = model.person {
                Text(format("book.offline_since", instants.string(from: person.syncedAt))).foregroundStyle(.orange)
            }
            if let notice = model.notice { Text(notice).foregroundStyle(.secondary) }
            if model.family.count > 1 {
                Picker("book.whose", selection: Binding(get: { model.person?.citizen.citizenId }, set: { model.chosen = $0 })) {
                    ForEach(model.family, id: \.citizen.citizenId) { Text($0.citizen.fullName).tag(Optional($0.citizen.citizenId)) }
                }
            }
            if let person = model.person {
                let open = person.lines.filter { !isComplete($0) }
                let done = person.lines.filter(isComplete)
                Section(format("vaccination.on", person.on)) {
                    ForEach(open, id: \.disease) { DueRow(line: $0) }
                }
                if !done.isEmpty {
                    Section("vaccination.complete") {
                        ForEach(done, id: \.disease) { DueRow(line: $0) }
                    }
                }
                Section("section.immunizations") {
                    if person.doses.isEmpty { Text("book.section_empty") }
                    ForEach(person.doses, id: \.entryId) { DoseRow(entry: $0) }
                }
            } else {
                Text(model.busy ? "book.loading" : "book.none")
            }
        }
        .navigationTitle("vaccination.title")
        .refreshable { await model.reload(app) }
        .task { await model.reload(app) }
    }

    private func isComplete(_ line: DueLine) -> Bool {
        if case .complete = line.due.standing { return true }
        return false
    }
}

/// One disease: where the person stands, coloured by how urgent it is.
private struct DueRow: View {
    let line: DueLine

    var body: some View {
        VStack(alignment: .leading, spacing: 4) {
            Text(line.disease).font(.headline)
            Text(line.standing).foregroundStyle(colour)
            ForEach(line.warnings, id: \.self) { Text($0).font(.footnote).foregroundStyle(.orange) }
        }
    }

    private var colour: Color {
        switch line.due.standing {
        case .overdue, .contraindicated: return .red
        case .due: return .accentColor
        default: return .primary
        }
    }
}

/// A dose of section III with who recorded it; a declaration waits for a health worker.
private struct DoseRow: View {
    let entry: BookEntry

    var body: some View {
        if case let .immunization(dose) = entry.body {
            VStack(alignment: .leading, spacing: 2) {
                Text("\(dose.tradeName ?? dose.product) · \(format("vaccination.dose_number", Int(dose.doseNumber)))")
                Text(dose.administeredOn).font(.footnote)
                if entry.status == .enteredInError {
                    Text("book.entered_in_error").font(.footnote).foregroundStyle(.red)
                } else if entry.provenance.selfReported {
                    Text("vaccination.declared").font(.footnote).foregroundStyle(.orange)
                } else {
                    Text(format("vaccination.given_by", entry.provenance.facilityName ?? entry.provenance.authorName ?? ""))
                        .font(.footnote)
                }
            }
        }
    }
}
