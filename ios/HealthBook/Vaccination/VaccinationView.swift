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
                    ForEach(person.doses, id: \.entryId) { entry in
                        DoseRow(entry: entry) { model.openReaction(entry) }
                    }
                }
            } else {
                Text(model.busy ? "book.loading" : "book.none")
            }
        }
        .navigationTitle("vaccination.title")
        .refreshable { await model.reload(app) }
        .task { await model.reload(app) }
        .sheet(item: Binding(get: { model.reporting.map(ReportedDose.init) }, set: { model.openReaction($0?.entry) })) { reported in
            if case let .immunization(dose) = reported.entry.body {
                ReactionSheet(model: model, dose: dose, today: model.person?.on ?? dose.administeredOn)
            }
        }
    }

    /// `sheet(item:)` wants an `Identifiable`; a dose is known by its book entry.
    struct ReportedDose: Identifiable {
        let entry: BookEntry
        var id: UUID { entry.entryId }
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

/// A dose of section III with who recorded it; a declaration waits for a health worker. A
/// dose a health worker recorded, and that stands, is where a reaction to it is reported.
private struct DoseRow: View {
    let entry: BookEntry
    let onReport: () -> Void

    var body: some View {
        if case let .immunization(dose) = entry.body {
            VStack(alignment: .leading, spacing: 2) {
                Text(doseName(dose))
                Text(dose.administeredOn).font(.footnote)
                if entry.status == .enteredInError {
                    Text("book.entered_in_error").font(.footnote).foregroundStyle(.red)
                } else if entry.provenance.selfReported {
                    Text("vaccination.declared").font(.footnote).foregroundStyle(.orange)
                } else {
                    Text(format("vaccination.given_by", entry.provenance.facilityName ?? entry.provenance.authorName ?? ""))
                        .font(.footnote)
                    // Borderless: only the button reacts, not the whole row.
                    Button("reaction.report", action: onReport).buttonStyle(.borderless).font(.footnote)
                }
            }
        }
    }
}

private func doseName(_ dose: Immunization) -> String {
    "\(dose.tradeName ?? dose.product) · \(format("vaccination.dose_number", Int(dose.doseNumber)))"
}

/// The report of a reaction to one dose: when it began, the symptoms from the core's list,
/// how bad, WHO's serious criteria, a note. The core reads the date; the server decides
/// seriousness.
private struct ReactionSheet: View {
    @EnvironmentObject private var app: AppModel
    @ObservedObject var model: VaccinationModel
    let dose: Immunization
    @State private var form: ReactionForm

    init(model: VaccinationModel, dose: Immunization, today: String) {
        _model = ObservedObject(wrappedValue: model)
        self.dose = dose
        _form = State(initialValue: ReactionForm(onset: today))
    }

    var body: some View {
        NavigationStack {
            Form {
                Section {
                    Text("\(doseName(dose)) · \(dose.administeredOn)").font(.headline)
                    if let notice = model.reactionNotice { Text(notice).foregroundStyle(.red) }
                    FormField(label: "reaction.onset", text: $form.onset, problem: model.reactionProblems["onset_on"], keyboard: .numbersAndPunctuation)
                }
                Section("reaction.symptoms") {
                    if let problem = model.reactionProblems["symptoms"] { Text(problem).font(.footnote).foregroundStyle(.red) }
                    ForEach(model.symptoms, id: \.code) { symptom in
                        Toggle(symptom.name, isOn: Binding(
                            get: { form.symptoms.contains(symptom.code) },
                            set: { on in
                                if on { form.symptoms.insert(symptom.code) } else { form.symptoms.remove(symptom.code) }
                            }
                        ))
                    }
                }
                Section("reaction.severity") {
                    Picker("reaction.severity", selection: $form.severity) {
                        Text("reaction.severity_mild").tag(ReactionSeverity.mild)
                        Text("reaction.severity_moderate").tag(ReactionSeverity.moderate)
                        Text("reaction.severity_severe").tag(ReactionSeverity.severe)
                    }
                    .pickerStyle(.segmented)
                }
                Section("reaction.serious") {
                    Toggle("reaction.hospitalised", isOn: $form.serious.hospitalised)
                    Toggle("reaction.life_threatening", isOn: $form.serious.lifeThreatening)
                    Toggle("reaction.death", isOn: $form.serious.death)
                }
                Section {
                    FormField(label: "reaction.note", text: $form.note, problem: model.reactionProblems["note"], multiline: true)
                }
            }
            .navigationTitle("reaction.title")
            .navigationBarTitleDisplayMode(.inline)
            .toolbar {
                ToolbarItem(placement: .cancellationAction) { Button("cancel") { model.openReaction(nil) } }
                ToolbarItem(placement: .confirmationAction) {
                    Button("reaction.send") { Task { await model.reportReaction(app, form: form) } }
                        .disabled(model.busy || form.symptoms.isEmpty)
                }
            }
        }
    }
}
