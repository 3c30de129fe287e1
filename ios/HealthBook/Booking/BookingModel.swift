import Foundation
import HealthBookCore

/// The appointments tab's state: the pickers and search, the slot picker, the confirmation
/// and the list. Every rule and every cache is the core's.
@MainActor
final class BookingModel: ObservableObject {
    @Published var provinceQuery = ""
    @Published var province: AdminUnit?
    @Published var communeQuery = ""
    @Published var commune: AdminUnit?
    @Published var text = ""
    @Published var service: ServiceType = .examination
    @Published var facilities: [Facility] = []
    @Published var nextCursor: String?
    @Published var facility: Facility?
    @Published var slots: [Slot] = []
    /// For whom: nil is the signed-in citizen, else a dependent's citizen id.
    @Published var forWhom: UUID?
    @Published var dependents: [Dependent] = []
    /// Set while choosing a new slot for this appointment.
    @Published var rescheduling: Appointment?
    /// The place held for the chosen slot while the citizen confirms.
    @Published var held: SlotHold?
    @Published var heldSlot: Slot?
    @Published var confirmation: Appointment?
    @Published var queuedSlot: Slot?
    @Published var appointments: [Appointment] = []
    /// The waitlists joined, with their positions and offers (online only).
    @Published var waitlist: [WaitlistEntry] = []
    @Published var offline = false
    @Published var busy = false
    @Published var notice: String?

    var provinceChoices: [AdminUnit] { provinces(query: provinceQuery) }
    var communeChoices: [AdminUnit] {
        guard let province else { return [] }
        return communes(provinceCode: province.code, query: communeQuery, limit: 50)
    }
    var upcoming: [Appointment] { appointments.filter { $0.status == .booked } }
    var past: [Appointment] { appointments.filter { $0.status != .booked } }

    func load(_ app: AppModel) async {
        appointments = (try? await app.core.offline().appointments()) ?? []
        dependents = (try? await app.core.offline().dependents()) ?? []
        await refresh(app)
    }

    /// Sends what was queued, then reads the appointments fresh (the cache when offline).
    func refresh(_ app: AppModel) async {
        await run(app) {
            _ = try await app.core.offline().sync()
            do {
                self.appointments = try await app.core.booking().appointments()
                self.waitlist = try await app.core.booking().waitlist()
                    .filter { $0.state == .waiting || $0.state == .offered }
                self.offline = false
            } catch let error as BookingError where isOffline(error) {
                self.appointments = try await app.core.offline().appointments()
                self.offline = true
            }
        }
    }

    func choose(province unit: AdminUnit?) {
        province = unit
        provinceQuery = unit?.shortName ?? ""
        commune = nil
        communeQuery = ""
    }

    func choose(commune unit: AdminUnit?) {
        commune = unit
        communeQuery = unit?.shortName ?? ""
    }

    func search(_ app: AppModel, more: Bool = false) async {
        await run(app) {
            let page = try await app.core.booking().searchFacilities(query: FacilityQuery(
                q: self.text.isEmpty ? nil : self.text,
                province: self.province?.code,
                commune: self.commune?.code,
                service: self.service,
                bookable: true,
                cursor: more ? self.nextCursor : nil
            ))
            self.facilities = more ? self.facilities + page.items : page.items
            self.nextCursor = page.nextCursor
        }
    }

    func open(_ app: AppModel, facility: Facility) async {
        self.facility = facility
        slots = []
        await run(app) {
            let page = try await app.core.booking().slots(
                facilityId: facility.id,
                query: SlotQuery(service: self.service, limit: 100)
            )
            // Full slots too: their waitlist can be joined.
            let now = Date()
            self.slots = page.items.filter { $0.status == .open && $0.startsAt > now }
        }
    }

    /// A slot tapped: its place is held while the citizen confirms (`confirmHeld`), so that
    /// nobody takes it meanwhile. A move goes straight to `choose`; without network the
    /// booking is queued as before, there being no place to hold. True when there is a
    /// confirmation (or a queued booking) to show already.
    func pick(_ app: AppModel, slot: Slot) async -> Bool {
        if rescheduling != nil { return await choose(app, slot: slot) }
        var offline = false
        await run(app) {
            do {
                self.held = try await app.core.booking().hold(slot: slot, citizenId: self.forWhom)
                self.heldSlot = slot
            } catch let error as BookingError where isOffline(error) {
                offline = true
            }
        }
        return offline ? await choose(app, slot: slot) : false
    }

    /// Books the held slot: the booking takes the held place.
    func confirmHeld(_ app: AppModel) async -> Bool {
        guard let slot = heldSlot else { return false }
        held = nil
        heldSlot = nil
        return await choose(app, slot: slot)
    }

    /// Gives the held place back (the citizen picks another slot or leaves).
    func releaseHeld(_ app: AppModel) async {
        guard let hold = held, let facility else { return }
        held = nil
        heldSlot = nil
        await run(app) {
            _ = try await app.core.booking().releaseHold(holdId: hold.id)
        }
        await open(app, facility: facility)
    }

    /// Books `slot` (or moves the appointment being rescheduled to it); true when there is a
    /// confirmation (or a queued booking) to show.
    func choose(_ app: AppModel, slot: Slot) async -> Bool {
        var done = false
        await run(app) {
            if let moving = self.rescheduling {
                self.confirmation = try await app.core.booking().reschedule(appointmentId: moving.id, slot: slot)
                self.queuedSlot = nil
                self.rescheduling = nil
            } else {
                switch try await app.core.booking().book(slot: slot, citizenId: self.forWhom) {
                case let .booked(appointment):
                    self.confirmation = appointment
                    self.queuedSlot = nil
                case .queued:
                    self.confirmation = nil
                    self.queuedSlot = slot
                }
            }
            self.appointments = try await app.core.offline().appointments()
            done = true
        }
        return done
    }

    func reschedule(_ app: AppModel, appointment: Appointment) async {
        rescheduling = appointment
        service = appointment.service
        let known = facilities.first { $0.id == appointment.facilityId }
        var shown: Facility? = known
        if shown == nil { shown = try? await app.core.booking().facility(facilityId: appointment.facilityId) }
        if let shown { await open(app, facility: shown) }
    }

    /// Joins the waitlist of a full slot, for the person chosen.
    func joinWaitlist(_ app: AppModel, slot: Slot) async {
        await run(app) {
            _ = try await app.core.booking().joinWaitlist(slot: slot, citizenId: self.forWhom)
            self.waitlist = try await app.core.booking().waitlist()
            self.notice = String(localized: "booking.waitlist_joined")
        }
    }

    /// Books the place a waitlist offers; true when there is a confirmation to show.
    func bookOffer(_ app: AppModel, entry: WaitlistEntry) async -> Bool {
        var done = false
        await run(app) {
            self.confirmation = try await app.core.booking().bookOffer(entry: entry)
            self.queuedSlot = nil
            self.appointments = try await app.core.offline().appointments()
            self.waitlist = try await app.core.booking().waitlist()
            done = true
        }
        return done
    }

    func leaveWaitlist(_ app: AppModel, entry: WaitlistEntry) async {
        await run(app) {
            _ = try await app.core.booking().leaveWaitlist(entryId: entry.id)
            self.waitlist = try await app.core.booking().waitlist()
        }
    }

    func cancel(_ app: AppModel, appointment: Appointment) async {
        await run(app) {
            _ = try await app.core.booking().cancel(appointmentId: appointment.id, reason: nil)
            self.appointments = try await app.core.offline().appointments()
            self.notice = String(localized: "booking.cancelled")
        }
    }

    private func run(_ app: AppModel, _ work: () async throws -> Void) async {
        busy = true
        notice = nil
        defer { busy = false }
        do {
            try await work()
        } catch {
            if endsSession(error) { app.signedOut() } else { notice = message(for: error) }
        }
    }
}
