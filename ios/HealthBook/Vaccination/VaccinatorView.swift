import HealthBookCore
import SwiftUI

/// The vaccinator's screen: prepare the day, scan the appointment QR, the checklist, the due
/// antigens, the lot, record — "queued, will sync" at a site without network — and the doses
/// waiting to be sent with the ones the server refused.
struct VaccinatorView: View {
    let facility: UUID
    @EnvironmentObject private var app: AppModel
    @StateObject private var model = VaccinatorModel()
    @State private var scanning = false
    @State private var code = ""

    var body: some View {
        List {
            Section {
                if let notice = model.notice { Text(notice).foregroundStyle(.secondary) }
                if let day = model.day {
                    Text(format("vaccinator.day", day.date, day.appointments.count)).font(.footnote)
                } else {
                    Text("vaccinator.day_none").font(.footnote)
                }
                Button("vaccinator.prepare") { Task { await model.prepareDay(app, facility: facility) } }
                    .disabled(model.busy)
                Button("vaccinator.scan") { scanning = true }.disabled(model.busy)
                HStack {
                    TextField("vaccinator.code", text: $code).textInputAutocapitalization(.characters)
                    Button("vaccinator.open") { Task { await model.open(app, facility: facility, code: code) } }
                        .disabled(model.busy || code.isEmpty)
                }
            }
            if let visit = model.visit {
                Section {
                    Text(visit.appointment.citizenName).font(.headline)
                    Text([visit.appointment.vaccine, visit.appointment.code].compactMap { $0 }.joined(separator: " · "))
                    if visit.fromCache { Text("vaccinator.from_copy").foregroundStyle(.orange) }
                }
                Section("vaccinator.due") {
                    // The book's lines when it was read, else those of the day's session targets.
                    let lines = visit.due?.lines ?? visit.dueAntigens
                    if lines.isEmpty {
                        Text("vaccinator.due_unknown")
                    } else {
                        ForEach(lines.filter { !isComplete($0) }, id: \.disease) { line in
                            Text("\(line.disease): \(line.standing)")
                        }
                    }
                }
                Section("vaccinator.screening") {
                    Picker("vaccinator.screening", selection: Binding(get: { model.group }, set: { model.choose(app, group: $0) })) {
                        Text("screening.newborn").tag(ScreeningGroup.newborn)
                        Text("screening.child").tag(ScreeningGroup.child)
                        Text("screening.adult").tag(ScreeningGroup.adult)
                        Text("screening.pregnant").tag(ScreeningGroup.pregnant)
                    }
                    TextField("vaccinator.temperature", text: $model.temperature).keyboardType(.decimalPad)
                    ForEach(model.questions.filter { $0.item != "temperature" }, id: \.item) { question in
                        VStack(alignment: .leading) {
                            Text(question.question)
                            Picker(question.question, selection: Binding(
                                get: { model.answers[question.item] },
                                set: { model.answers[question.item] = $0 }
                            )) {
                                Text("no").tag(Optional(false))
                                Text("yes").tag(Optional(true))
                            }
                            .pickerStyle(.segmented)
                        }
                    }
                }
                Section("vaccinator.lot") {
                    if visit.lots.isEmpty { Text("vaccinator.no_lot").foregroundStyle(.red) }
                    Picker("vaccinator.lot", selection: $model.lotId) {
                        ForEach(visit.lots, id: \.lotId) { lot in
                            Text(format("vaccinator.lot_line", lot.product, lot.lotNumber, lot.expiresOn, Int(lot.doses)))
                                .tag(Optional(lot.lotId))
                        }
                    }
                    TextField("vaccinator.site", text: $model.site)
                    Button("vaccinator.record") { Task { await model.record(app) } }
                        .disabled(model.busy || !model.canRecord)
                }
            }
            Section(format("vaccinator.pending", model.pending.count)) {
                ForEach(model.pending, id: \.id) { pending in
                    if case let .recordDose(request, _, name) = pending.action {
                        Text(format("vaccinator.pending_line", name ?? "", request.vaccine)).font(.footnote)
                    }
                }
                Button("vaccinator.sync") { Task { await model.sync(app) } }
                    .disabled(model.busy || model.pending.isEmpty)
            }
            if !model.conflicts.isEmpty {
                Section("vaccinator.conflicts") {
                    ForEach(model.conflicts) { line in
                        Text("\(line.person): \(line.message)").foregroundStyle(.red)
                    }
                }
            }
        }
        .navigationTitle("vaccinator.title")
        .task { await model.load(app, facility: facility) }
        .sheet(isPresented: $scanning) {
            QRScannerView { text in
                scanning = false
                Task { await model.open(app, facility: facility, code: text) }
            }
            .ignoresSafeArea()
        }
    }

    private func isComplete(_ line: DueLine) -> Bool {
        if case .complete = line.due.standing { return true }
        return false
    }
}
