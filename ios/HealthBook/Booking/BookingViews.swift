import HealthBookCore
import SwiftUI

/// The appointments tab: my appointments; search → slot picker → confirmation.
struct MyAppointmentsView: View {
    @EnvironmentObject private var app: AppModel
    @StateObject private var model = BookingModel()
    @State private var path = NavigationPath()

    enum Step: Hashable { case search, slots, confirmation }

    var body: some View {
        NavigationStack(path: $path) {
            List {
                if model.offline { Text("home.offline").foregroundStyle(.orange) }
                if let notice = model.notice { Text(notice).foregroundStyle(.secondary) }
                Button("booking.new") { path.append(Step.search) }
                SwiftUI.Section("appointments.upcoming") {
                    if model.upcoming.isEmpty { Text("appointments.none") }
                    ForEach(model.upcoming, id: \.id) { appointment in
                        AppointmentRow(appointment: appointment)
                            .onTapGesture { show(appointment) }
                            .swipeActions {
                                Button("booking.cancel", role: .destructive) {
                                    Task { await model.cancel(app, appointment: appointment) }
                                }
                                Button("booking.reschedule") {
                                    Task {
                                        await model.reschedule(app, appointment: appointment)
                                        path.append(Step.slots)
                                    }
                                }
                            }
                    }
                }
                if !model.waitlist.isEmpty {
                    SwiftUI.Section("waitlist.title") {
                        ForEach(model.waitlist, id: \.id) { entry in
                            WaitlistRow(entry: entry) {
                                Task { if await model.bookOffer(app, entry: entry) { path.append(Step.confirmation) } }
                            }
                            .swipeActions {
                                Button("waitlist.leave", role: .destructive) {
                                    Task { await model.leaveWaitlist(app, entry: entry) }
                                }
                            }
                        }
                    }
                }
                if !model.past.isEmpty {
                    SwiftUI.Section("appointments.past") {
                        ForEach(model.past, id: \.id) { appointment in
                            AppointmentRow(appointment: appointment).onTapGesture { show(appointment) }
                        }
                    }
                }
            }
            .navigationTitle("appointments.title")
            .refreshable { await model.refresh(app) }
            .task { await model.load(app) }
            .navigationDestination(for: Step.self) { step in
                switch step {
                case .search:
                    FacilitySearchView(model: model) { facility in
                        Task { await model.open(app, facility: facility) }
                        path.append(Step.slots)
                    }
                case .slots:
                    SlotPickerView(model: model) { slot in
                        Task { if await model.pick(app, slot: slot) { confirmed() } }
                    } onConfirmHeld: {
                        Task { if await model.confirmHeld(app) { confirmed() } }
                    } onReleaseHeld: {
                        Task { await model.releaseHeld(app) }
                    } onJoinWaitlist: { slot in
                        Task { await model.joinWaitlist(app, slot: slot) }
                    }
                case .confirmation:
                    ConfirmationView(model: model)
                }
            }
        }
    }

    private func confirmed() {
        path = NavigationPath()
        path.append(Step.confirmation)
    }

    private func show(_ appointment: Appointment) {
        model.confirmation = appointment
        model.queuedSlot = nil
        path.append(Step.confirmation)
    }
}

/// A waitlist entry: its place in line, or the place held for the person with a button to
/// book it.
struct WaitlistRow: View {
    let entry: WaitlistEntry
    let onBookOffer: () -> Void

    var body: some View {
        let starts = entry.startsAt.formatted(date: .abbreviated, time: .shortened)
        VStack(alignment: .leading, spacing: 4) {
            if entry.state == .offered, let offer = entry.offer {
                Text(String(format: String(localized: "waitlist.offered"), starts,
                            offer.expiresAt.formatted(date: .omitted, time: .shortened)))
                Button("waitlist.book", action: onBookOffer).buttonStyle(.borderedProminent)
            } else {
                Text(String(format: String(localized: "waitlist.position"), starts, Int(entry.position ?? 0)))
            }
        }
    }
}

struct AppointmentRow: View {
    let appointment: Appointment

    var body: some View {
        VStack(alignment: .leading, spacing: 4) {
            Text(appointment.facilityName).font(.headline)
            Text("\(appointment.date) · \(appointment.start)–\(appointment.end)")
            Text(String(format: String(localized: "appointment.for"), appointment.citizenName)).font(.caption)
            Text(statusLabel(appointment.status)).font(.caption).foregroundStyle(.secondary)
        }
    }
}

func statusLabel(_ status: AppointmentStatus) -> LocalizedStringKey {
    switch status {
    case .booked: return "status.booked"
    case .checkedIn: return "status.checked_in"
    case .noShow: return "status.no_show"
    case .cancelled: return "status.cancelled"
    }
}

func serviceLabel(_ service: ServiceType) -> LocalizedStringKey {
    switch service {
    case .examination: return "service.examination"
    case .vaccination: return "service.vaccination"
    case .teleconsultation: return "service.teleconsultation"
    }
}

/// Search with the province and commune pickers (accents optional) and the service.
struct FacilitySearchView: View {
    @EnvironmentObject private var app: AppModel
    @ObservedObject var model: BookingModel
    let onFacility: (Facility) -> Void

    var body: some View {
        Form {
            TextField("booking.search_text", text: $model.text)
            UnitPicker(title: "booking.province", query: $model.provinceQuery, selected: model.province,
                       choices: model.provinceChoices) { model.choose(province: $0) }
            if model.province != nil {
                UnitPicker(title: "booking.commune", query: $model.communeQuery, selected: model.commune,
                           choices: model.communeChoices) { model.choose(commune: $0) }
            }
            Picker("booking.service", selection: $model.service) {
                ForEach([ServiceType.examination, .vaccination, .teleconsultation], id: \.self) { service in
                    Text(serviceLabel(service)).tag(service)
                }
            }
            Button("booking.search") { Task { await model.search(app) } }.disabled(model.busy)
            if let notice = model.notice { Text(notice).foregroundStyle(.red) }
            SwiftUI.Section {
                ForEach(model.facilities, id: \.id) { facility in
                    Button { onFacility(facility) } label: {
                        VStack(alignment: .leading) {
                            Text(facility.name).font(.headline)
                            Text(facility.address).font(.caption)
                            Text(facility.openingHours).font(.caption).foregroundStyle(.secondary)
                        }
                    }
                }
                if model.nextCursor != nil {
                    Button("more") { Task { await model.search(app, more: true) } }
                }
            }
        }
        .navigationTitle("booking.search_title")
    }
}

/// A province or commune picker: type a few letters, pick a row.
struct UnitPicker: View {
    let title: LocalizedStringKey
    @Binding var query: String
    let selected: AdminUnit?
    let choices: [AdminUnit]
    let onChoose: (AdminUnit?) -> Void

    var body: some View {
        TextField(title, text: $query)
            .onChange(of: query) { value in if value.isEmpty { onChoose(nil) } }
        if selected?.shortName != query && !query.isEmpty {
            ForEach(choices.prefix(8), id: \.code) { unit in
                Button(unit.name) { onChoose(unit) }
            }
        }
    }
}

struct SlotPickerView: View {
    @ObservedObject var model: BookingModel
    let onChosen: (Slot) -> Void
    let onConfirmHeld: () -> Void
    let onReleaseHeld: () -> Void
    let onJoinWaitlist: (Slot) -> Void

    var body: some View {
        List {
            if let held = model.held, let slot = model.heldSlot {
                SwiftUI.Section(slot.date) {
                    Text("\(slot.start)–\(slot.end)").font(.headline)
                    Text(String(format: String(localized: "booking.held"),
                                held.expiresAt.formatted(date: .omitted, time: .shortened)))
                    Button("booking.confirm_held", action: onConfirmHeld).disabled(model.busy)
                    Button("booking.release_held", role: .destructive, action: onReleaseHeld).disabled(model.busy)
                }
            }
            Text(model.rescheduling == nil ? "booking.pick_slot" : "booking.pick_new_slot")
            if model.rescheduling == nil && !model.dependents.isEmpty {
                Picker("booking.for_whom", selection: $model.forWhom) {
                    Text("booking.myself").tag(UUID?.none)
                    ForEach(model.dependents, id: \.citizen.citizenId) { dependent in
                        Text(dependent.citizen.fullName).tag(UUID?.some(dependent.citizen.citizenId))
                    }
                }
            }
            if let notice = model.notice { Text(notice).foregroundStyle(.red) }
            if model.slots.isEmpty && !model.busy { Text("booking.no_slots") }
            ForEach(Dictionary(grouping: model.slots, by: \.date).sorted { $0.key < $1.key }, id: \.key) { day, slots in
                SwiftUI.Section(day) {
                    ForEach(slots, id: \.id) { slot in
                        if slot.remaining > 0 {
                            Button(String(format: String(localized: "booking.slot"), slot.start, slot.end, Int(slot.remaining))) {
                                onChosen(slot)
                            }
                            .disabled(model.busy)
                        } else if model.rescheduling == nil {
                            Button(String(format: String(localized: "booking.slot_full_join"), slot.start, slot.end)) {
                                onJoinWaitlist(slot)
                            }
                            .foregroundStyle(.secondary)
                            .disabled(model.busy)
                        }
                    }
                }
            }
        }
        .navigationTitle(model.facility?.name ?? "")
    }
}

struct ConfirmationView: View {
    @EnvironmentObject private var app: AppModel
    @ObservedObject var model: BookingModel
    @State private var queue: QueuePosition?

    var body: some View {
        ScrollView {
            VStack(alignment: .leading, spacing: 8) {
                if let appointment = model.confirmation {
                    Text("booking.confirmed").font(.title2)
                    Text(appointment.facilityName).font(.headline)
                    Text(appointment.facilityAddress).font(.caption)
                    Text("\(appointment.date) · \(appointment.start)–\(appointment.end)")
                    Text(String(format: String(localized: "appointment.for"), appointment.citizenName))
                    if let room = appointment.room { Text(String(format: String(localized: "appointment.room"), room)) }
                    Text(String(format: String(localized: "appointment.queue_number"), Int(appointment.queueNumber))).font(.title)
                    Text(String(format: String(localized: "appointment.code"), appointment.code))
                    if let matrix = try? appointmentQr(appointment: appointment) {
                        QRCodeView(matrix: matrix, label: "appointment.qr_description").frame(maxWidth: 280)
                    }
                    if let queue { QueueLine(position: queue) }
                    if appointment.status == .booked {
                        Text(String(format: String(localized: "appointment.cancellable_until"),
                                    appointment.cancellableUntil.formatted(date: .abbreviated, time: .shortened)))
                            .font(.caption)
                    }
                } else if let slot = model.queuedSlot {
                    Text("booking.queued_title").font(.title2)
                    Text("\(slot.date) · \(slot.start)–\(slot.end)")
                    Text("booking.queued")
                }
            }
            .padding()
        }
        .task(id: model.confirmation?.id) {
            // On the day, the place in the queue, asked again every half minute while shown.
            guard let appointment = model.confirmation,
                  Calendar.current.isDateInToday(appointment.startsAt) else { return }
            while !Task.isCancelled {
                queue = try? await app.core.booking().queuePosition(appointmentId: appointment.id)
                try? await Task.sleep(for: .seconds(30))
            }
        }
    }
}

/// Where the patient stands on the day: the number being served, how many are ahead, and a
/// likely time.
struct QueueLine: View {
    let position: QueuePosition

    var body: some View {
        VStack(alignment: .leading, spacing: 4) {
            if let serving = position.state.serving.first {
                Text(String(format: String(localized: "queue.serving"), Int(serving)))
            }
            switch position.stage {
            case .called: Text("queue.called").bold()
            case .waiting:
                if let ahead = position.ahead { Text(String(format: String(localized: "queue.ahead"), Int(ahead))) }
                if let at = position.estimatedCallAt {
                    Text(String(format: String(localized: "queue.around"), at.formatted(date: .omitted, time: .shortened)))
                }
            default: EmptyView()
            }
        }
        .padding(.vertical, 4)
    }
}
