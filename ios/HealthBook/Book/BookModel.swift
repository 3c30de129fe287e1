import Foundation
import HealthBookCore

/// The health-book tab's state: whose book, the book by section as the core last read it, the
/// chart, the consents and the access log. Every rule, every text and every cache is the core's.
@MainActor
final class BookModel: ObservableObject {
    @Published var owners: [BookOwner] = []
    @Published var owner: BookOwner?
    @Published var book: BookView?
    @Published var chartKind: ObservationKind = .bloodPressure
    @Published var chart: [ChartPoint] = []
    /// Returns the book's visits ask for and nobody booked yet, each with the first free slot
    /// of its week (none: all taken), soonest first.
    @Published var followUps: [(followUp: FollowUp, slot: Slot?)] = []
    @Published var consents: [Consent] = []
    @Published var log: [AccessLine] = []
    @Published var logCursor: String?
    // The grant screen: the terms, then the exact text, then the box the person ticks.
    @Published var facilityText = ""
    @Published var facilities: [Facility] = []
    /// The chosen facility's practitioners, one of whom a consent may name instead.
    @Published var practitioners: [Practitioner] = []
    @Published var draft: ConsentDraft?
    /// Never pre-ticked: only the person's own tap sets it.
    @Published var agreed = false
    @Published var childAssent = false
    /// Section I as the server now holds it, after a change made on an older version.
    @Published var conflict: BookEntry?
    @Published var problems: [String: String] = [:]
    @Published var offline = false
    @Published var busy = false
    @Published var notice: String?

    private var citizenId: UUID? { owner?.citizenId }

    func load(_ app: AppModel) async {
        owners = (try? await app.core.book().owners()) ?? []
        if owner == nil { owner = owners.first }
        await refresh(app)
    }

    func choose(_ app: AppModel, owner: BookOwner) async {
        self.owner = owner
        book = nil
        consents = []
        log = []
        conflict = nil
        await refresh(app)
    }

    /// Sends what waits, then reads the book (only what changed; the phone's copy offline).
    func refresh(_ app: AppModel) async {
        guard let id = citizenId else { return }
        await run(app) {
            let synced = try await app.core.offline().sync()
            for outcome in synced.outcomes {
                if case let .versionConflict(citizenId, current, _) = outcome.result, citizenId == id {
                    self.conflict = current
                }
            }
            let book = try await app.core.book().book(citizenId: id)
            self.book = book
            self.offline = book.fromCache
            try await self.loadChart(app)
            try await self.loadFollowUps(app)
        }
    }

    private func loadFollowUps(_ app: AppModel) async throws {
        guard let id = citizenId else { return }
        var offers: [(followUp: FollowUp, slot: Slot?)] = []
        for followUp in try await app.core.book().followUps(citizenId: id) {
            var query = followUpSlotQuery(followUp: followUp)
            query.available = true
            query.limit = 1
            let slot = offline ? nil : try await app.core.booking().slots(facilityId: followUp.facilityId, query: query).items.first
            offers.append((followUp, slot))
        }
        followUps = offers
    }

    /// Books the offered slot for the book's owner (a dependent's for a child's book): one tap.
    func bookFollowUp(_ app: AppModel, slot: Slot) async {
        guard let owner else { return }
        await run(app) {
            switch try await app.core.booking().book(slot: slot, citizenId: owner.isSelf ? nil : owner.citizenId) {
            case .booked: self.notice = String(localized: "follow_up.booked")
            case .queued: self.notice = String(localized: "booking.queued")
            }
            _ = try await app.core.booking().appointments()
            try await self.loadFollowUps(app)
        }
    }

    func choose(_ app: AppModel, kind: ObservationKind) async {
        chartKind = kind
        await run(app) { try await self.loadChart(app) }
    }

    private func loadChart(_ app: AppModel) async throws {
        guard let id = citizenId else { return }
        chart = try await app.core.book().readingChart(citizenId: id, kind: chartKind)
    }

    /// A form opens without the problems another form was shown.
    func clearProblems() {
        problems = [:]
    }

    /// The form's problems by the book's rules, before anything is sent.
    func check(_ app: AppModel, _ body: EntryBody) -> Bool {
        problems = problemsByField(app.core.book().validateEntry(body: body))
        return problems.isEmpty
    }

    /// Saves section I as left in the form; a change made on an older version shows the newer one.
    func saveProfile(_ app: AppModel, section: Administrative) async -> Bool {
        guard let id = citizenId else { return false }
        var done = false
        await write(app) {
            do {
                try await self.announce(app, app.core.book().updateProfile(citizenId: id, section: section))
                self.conflict = nil
                done = true
            } catch let BookError.VersionConflict(current) {
                self.conflict = current
                self.notice = String(localized: "book.conflict")
                self.book = try await app.core.book().cachedBook(citizenId: id)
            }
        }
        return done
    }

    /// Adds a history item, or queues it offline.
    func addHistory(_ app: AppModel, body: EntryBody) async -> Bool {
        guard let id = citizenId else { return false }
        var done = false
        await write(app) {
            do {
                try await self.announce(app, app.core.book().addHistoryEntry(citizenId: id, body: body))
                done = true
            } catch BookError.EntryExists {
                // A kind held once was written meanwhile elsewhere: read it, so that its form corrects it.
                let book = try await app.core.book().book(citizenId: id)
                self.book = book
                self.offline = book.fromCache
                self.notice = message(for: BookError.EntryExists)
            }
        }
        return done
    }

    /// Corrects an entry of a kind the book holds once (risk factors, reproductive health) with
    /// its whole new body and a reason; needs the network. Changed elsewhere meanwhile, the
    /// entry comes back at its newer version and the form shows it, to be changed again.
    func correctHistory(_ app: AppModel, entry: BookEntry, body: EntryBody, reason: String) async -> Bool {
        guard let id = citizenId else { return false }
        var done = false
        await write(app) {
            do {
                _ = try await app.core.book().correctEntry(citizenId: id, entry: entry, body: body, reason: reason)
                self.book = try await app.core.book().cachedBook(citizenId: id) ?? self.book
                self.notice = String(localized: "book.saved")
                self.problems = [:]
                done = true
            } catch BookError.VersionConflict {
                self.book = try await app.core.book().cachedBook(citizenId: id) ?? self.book
                self.notice = String(localized: "history.conflict")
            }
        }
        return done
    }

    func addReading(_ app: AppModel, reading: Observation) async -> Bool {
        guard let id = citizenId else { return false }
        var done = false
        await write(app) {
            try await self.announce(app, app.core.book().addReading(citizenId: id, reading: reading))
            done = true
        }
        return done
    }

    private func announce(_ app: AppModel, _ outcome: BookWriteOutcome) async throws {
        switch outcome {
        case .saved: notice = String(localized: "book.saved")
        case .queued: notice = String(localized: "book.queued")
        }
        problems = [:]
        guard let id = citizenId else { return }
        book = try await app.core.book().cachedBook(citizenId: id) ?? book
        try await loadChart(app)
    }

    /// A PDF written to a temporary file, for the share sheet ("Save to Files", AirDrop…).
    func visitPdf(_ app: AppModel, visit: BookEntry) async -> URL? {
        guard let id = citizenId else { return nil }
        var url: URL?
        await run(app) {
            let bytes = try await app.core.book().visitPdf(citizenId: id, entryId: visit.entryId)
            url = try Self.temporary(bytes, named: "lan-kham.pdf")
        }
        return url
    }

    func bookPdf(_ app: AppModel) async -> URL? {
        guard let id = citizenId else { return nil }
        var url: URL?
        await run(app) {
            url = try Self.temporary(try await app.core.book().bookPdf(citizenId: id), named: "so-suc-khoe.pdf")
        }
        return url
    }

    private static func temporary(_ bytes: Data, named name: String) throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent(name)
        // Health data: readable only while the phone is unlocked, and gone with the temporary folder.
        try bytes.write(to: url, options: [.atomic, .completeFileProtection])
        return url
    }

    func loadConsents(_ app: AppModel) async {
        guard let id = citizenId else { return }
        await run(app) {
            let list = try await app.core.book().consents(citizenId: id)
            self.consents = list.items
            self.offline = list.fromCache
        }
    }

    func searchFacilities(_ app: AppModel) async {
        await run(app) {
            let page = try await app.core.booking().searchFacilities(
                query: FacilityQuery(q: self.facilityText.isEmpty ? nil : self.facilityText)
            )
            self.facilities = page.items
        }
    }

    func loadPractitioners(_ app: AppModel, facility: Facility) async {
        practitioners = []
        await run(app) {
            self.practitioners = try await app.core.booking().practitioners(facilityId: facility.id)
        }
    }

    /// Renders the exact text of the terms chosen; the box stays unticked.
    func prepare(_ app: AppModel, choice: ConsentChoice) async {
        guard let id = citizenId else { return }
        await run(app) {
            let draft = try await app.core.book().prepareConsent(citizenId: id, choice: choice)
            self.draft = draft
            self.agreed = false
            self.childAssent = false
            self.problems = problemsByField(draft.issues)
        }
    }

    /// Grants the consent shown, only once the person ticked the box.
    func grant(_ app: AppModel) async -> Bool {
        guard let draft, agreed else { return false }
        var done = false
        await write(app) {
            let assent: Bool? = self.owner?.isSelf == false ? self.childAssent : nil
            _ = try await app.core.book().grantConsent(draft: draft, childAssent: assent)
            self.draft = nil
            self.agreed = false
            self.notice = String(localized: "consent.granted")
            if let id = self.citizenId { self.consents = try await app.core.book().consents(citizenId: id).items }
            done = true
        }
        return done
    }

    func withdraw(_ app: AppModel, consent: Consent) async {
        guard let id = citizenId else { return }
        await run(app) {
            _ = try await app.core.book().withdrawConsent(citizenId: id, consentId: consent.id)
            self.notice = String(localized: "consent.withdrawn")
            self.consents = try await app.core.book().consents(citizenId: id).items
        }
    }

    func loadLog(_ app: AppModel, more: Bool = false) async {
        guard let id = citizenId else { return }
        await run(app) {
            let page = try await app.core.book().accessLog(citizenId: id, cursor: more ? self.logCursor : nil)
            self.log = more ? self.log + page.items : page.items
            self.logCursor = page.nextCursor
            self.offline = page.fromCache
        }
    }

    /// A write whose field problems are shown beside their fields.
    private func write(_ app: AppModel, _ work: () async throws -> Void) async {
        await run(app) {
            do {
                try await work()
            } catch let error as BookError {
                let problems = fieldProblems(of: error)
                if problems.isEmpty { throw error }
                self.problems = problems
            }
        }
    }

    private func run(_ app: AppModel, _ work: () async throws -> Void) async {
        busy = true
        notice = nil
        defer { busy = false }
        do {
            try await work()
        } catch {
            if endsSession(error) {
                app.signedOut()
            } else {
                if isOffline(error) { offline = true }
                notice = message(for: error)
            }
        }
    }
}
