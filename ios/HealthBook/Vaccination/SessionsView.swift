import HealthBookCore
import SwiftUI

/// Sessions of a vaccinating facility, and registration for oneself or a dependent.
struct SessionsView: View {
    @EnvironmentObject private var app: AppModel
    @StateObject private var model = SessionsModel()
    @State private var query = ""

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
        }
        .navigationTitle("vaccination.sessions_title")
        .task { await model.load(app) }
    }
}
