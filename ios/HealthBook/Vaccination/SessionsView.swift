import HealthBookCore
import SwiftUI

/// Sessions of a vaccinating facility, registration for oneself or a dependent, and a reaction report.
struct SessionsView: View {
    @EnvironmentObject private var app: AppModel
    @StateObject private var model = SessionsModel()
    @State private var query = ""
    @State private var doseId = ""
    @State private var onset = ISO8601DateFormatter.string(from: Date(), timeZone: .current, formatOptions: [.withFullDate])
    @State private var symptoms = ""
    @State private var severity = ReactionSeverity.mild

    var body: some View {
        List {
            Section {
                if let notice = model.notice { Text(notice).foregroundStyle(.secondary) }
                TextField("sessions.facility", text: $query)
                Button("sessions.find") { Task { await model.search(app, text: query) } }.disabled(model.busy)
                ForEach(model.facilities, id: \.id) { facility in
                    Button(facility.name) { Task { await model.choose(app, facility: facility) } }
                }
                if model.family.count > 1 {
                    Picker("sessions.for", selection: $model.registrant) {
                        ForEach(model.family, id: \.self) { Text($0.name).tag(Optional($0)) }
                    }
                }
            }
            if model.facility != nil && model.sessions.isEmpty { Text("sessions.none") }
            ForEach(model.sessions, id: \.id) { session in
                Section(format("sessions.line", session.date, session.start, session.end, session.placeName ?? model.facility?.name ?? "")) {
                    if session.cancelledAt != nil {
                        Text("sessions.cancelled").foregroundStyle(.red)
                    } else {
                        Text(format("sessions.places", Int(session.remaining)))
                        ForEach(session.vaccines, id: \.self) { vaccine in
                            Button(format("sessions.register", vaccine)) {
                                Task { await model.register(app, session: session, vaccine: vaccine) }
                            }
                            .disabled(model.busy || session.remaining == 0)
                        }
                    }
                }
            }
            Section("reaction.title") {
                TextField("reaction.dose_id", text: $doseId)
                TextField("reaction.onset", text: $onset)
                TextField("reaction.symptoms", text: $symptoms)
                Picker("reaction.title", selection: $severity) {
                    Text("reaction.severity_mild").tag(ReactionSeverity.mild)
                    Text("reaction.severity_moderate").tag(ReactionSeverity.moderate)
                    Text("reaction.severity_severe").tag(ReactionSeverity.severe)
                }
                .pickerStyle(.segmented)
                Button("reaction.send") {
                    guard let dose = UUID(uuidString: doseId.trimmingCharacters(in: .whitespaces)) else { return }
                    Task { await model.reportReaction(app, doseId: dose, onset: onset, symptoms: codes, severity: severity) }
                }
                .disabled(model.busy || UUID(uuidString: doseId.trimmingCharacters(in: .whitespaces)) == nil || codes.isEmpty)
            }
        }
        .navigationTitle("vaccination.sessions_title")
        .task { await model.load(app) }
    }

    private var codes: [String] {
        symptoms.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
    }
}
