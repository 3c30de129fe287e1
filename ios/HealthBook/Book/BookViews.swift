import Charts
import HealthBookCore
import SwiftUI

private let instants: DateFormatter = {
    let formatter = DateFormatter()
    formatter.dateStyle = .short
    formatter.timeStyle = .short
    return formatter
}()

/// A calendar day as the core takes and gives it (`YYYY-MM-DD`, the Vietnamese calendar date).
private func isoDay(_ date: Date) -> String {
    let formatter = DateFormatter()
    formatter.calendar = Calendar(identifier: .gregorian)
    formatter.locale = Locale(identifier: "en_US_POSIX")
    formatter.timeZone = TimeZone(identifier: "Asia/Ho_Chi_Minh")
    formatter.dateFormat = "yyyy-MM-dd"
    return formatter.string(from: date)
}

/// The health-book tab: the book by section, for oneself or a dependent, and who saw it.
struct HealthBookView: View {
    @EnvironmentObject private var app: AppModel
    @StateObject private var model = BookModel()
    @State private var shared: URL?

    enum Step: Hashable { case profile, history, historyForm(HistoryForm), visits, visit(UUID), readings, consents, grant, log }

    var body: some View {
        NavigationStack {
            List {
                if model.offline { OfflineLine(syncedAt: model.book?.syncedAt) }
                if let notice = model.notice { Text(notice).foregroundStyle(.secondary) }
                if model.owners.count > 1 {
                    Picker("book.whose", selection: Binding(get: { model.owner?.citizenId }, set: { id in
                        if let owner = model.owners.first(where: { $0.citizenId == id }) {
                            Task { await model.choose(app, owner: owner) }
                        }
                    })) {
                        ForEach(model.owners, id: \.citizenId) { Text($0.fullName).tag(Optional($0.citizenId)) }
                    }
                }
                if let newer = model.conflict { ConflictRow(newer: newer) }
                if let book = model.book {
                    if !book.pending.isEmpty { Text(format("book.pending", book.pending.count)).foregroundStyle(.orange) }
                    NavigationLink(value: Step.profile) {
                        SectionRow(title: "section.administrative", summary: profileSummary(book.administrative))
                    }
                    NavigationLink(value: Step.history) { SectionRow(title: "section.history", summary: countOf(book.history.count)) }
                    SectionRow(title: "section.immunizations", summary: countOf(book.immunizations.count))
                    NavigationLink(value: Step.visits) { SectionRow(title: "section.visits", summary: countOf(book.visits.count)) }
                    NavigationLink(value: Step.readings) { SectionRow(title: "section.readings", summary: countOf(book.readings.count)) }
                    NavigationLink(value: Step.consents) {
                        SectionRow(title: "consents.title", summary: String(localized: "consents.summary"))
                    }
                    NavigationLink(value: Step.log) {
                        SectionRow(title: "access_log.title", summary: String(localized: "access_log.summary"))
                    }
                    Button("book.download_pdf") { Task { shared = await model.bookPdf(app) } }
                        .disabled(model.busy || model.offline)
                    if let shared { ShareLink(item: shared) { Label("book.share_pdf", systemImage: "square.and.arrow.up") } }
                } else {
                    Text(model.busy ? "book.loading" : "book.none")
                }
            }
            .navigationTitle("book.title")
            .refreshable { await model.refresh(app) }
            .task { await model.load(app) }
            .navigationDestination(for: Step.self) { step in
                switch step {
                case .profile: ProfileForm(model: model)
                case .history: HistoryView(model: model)
                case let .historyForm(form): HistoryFormView(model: model, form: form)
                case .visits: VisitsView(model: model)
                case let .visit(id):
                    if let entry = model.book?.visits.first(where: { $0.entryId == id }) { VisitView(model: model, entry: entry) }
                case .readings: ReadingsView(model: model)
                case .consents: ConsentsView(model: model)
                case .grant: GrantView(model: model)
                case .log: AccessLogView(model: model)
                }
            }
        }
    }
}

private struct OfflineLine: View {
    let syncedAt: Date?

    var body: some View {
        if let syncedAt {
            Text(format("book.offline_since", instants.string(from: syncedAt))).foregroundStyle(.orange)
        } else {
            Text("home.offline").foregroundStyle(.orange)
        }
    }
}

private struct SectionRow: View {
    let title: LocalizedStringKey
    let summary: String

    var body: some View {
        VStack(alignment: .leading, spacing: 4) {
            Text(title).font(.headline)
            Text(summary).font(.subheadline).foregroundStyle(.secondary)
        }
    }
}

/// A localized format filled in, as the other screens do.
func format(_ key: String.LocalizationValue, _ args: CVarArg...) -> String {
    String(format: String(localized: key), arguments: args)
}

private func countOf(_ count: Int) -> String {
    count == 0 ? String(localized: "book.section_empty") : format("book.entries_count", count)
}

private func profileSummary(_ entry: BookEntry?) -> String {
    guard let entry, case let .administrative(section) = entry.body else { return String(localized: "book.section_empty") }
    let blood = section.bloodGroup.map { "\(aboName($0.abo))\($0.rh == .positive ? "+" : "−")" }
    let parts = [blood, section.insuranceNumber, section.phone].compactMap { $0 }
    return parts.isEmpty ? String(localized: "book.section_empty") : parts.joined(separator: " · ")
}

private func aboName(_ abo: Abo) -> String {
    switch abo {
    case .o: return "O"
    case .a: return "A"
    case .b: return "B"
    case .ab: return "AB"
    }
}

private struct ConflictRow: View {
    let newer: BookEntry?

    var body: some View {
        VStack(alignment: .leading, spacing: 4) {
            Text("book.conflict").foregroundStyle(.red)
            if let newer {
                Text(format("book.conflict_by", newer.provenance.authorName ?? "", instants.string(from: newer.provenance.recordedAt)))
                Text(profileSummary(newer)).font(.subheadline)
            }
            Text("book.conflict_redo").font(.footnote)
        }
    }
}

/// Who wrote an entry and when: the source is shown on every entry of the book.
struct ProvenanceLine: View {
    let entry: BookEntry

    var body: some View {
        let who = entry.provenance.facilityName ?? entry.provenance.authorName ?? ""
        let when = instants.string(from: entry.provenance.recordedAt)
        VStack(alignment: .leading) {
            if entry.provenance.selfReported {
                Text(format("book.self_reported", who, when)).font(.caption)
            } else {
                Text(format("book.recorded_by", who, when)).font(.caption)
            }
            if entry.status == .enteredInError { Text("book.entered_in_error").font(.caption).foregroundStyle(.red) }
        }
    }
}

struct ProfileForm: View {
    @EnvironmentObject private var app: AppModel
    @Environment(\.dismiss) private var dismiss
    @ObservedObject var model: BookModel
    @State private var abo: Abo?
    @State private var rh: Rh = .positive
    @State private var ethnicity = ""
    @State private var occupation = ""
    @State private var insurance = ""
    @State private var household = ""
    @State private var phone = ""
    @State private var loaded = false

    /// The form opens on the change still waiting to be sent, else on the current version.
    private var current: Administrative {
        if let draft = model.book?.administrativeDraft { return draft }
        if let entry = model.book?.administrative, case let .administrative(section) = entry.body { return section }
        return Administrative(
            bloodGroup: nil, ethnicity: nil, nationality: nil, occupation: nil, education: nil,
            insuranceNumber: nil, householdCode: nil, relationToHead: nil, permanentAddress: nil,
            currentAddress: nil, phone: nil, emergencyContacts: [], parents: [], reviewedOn: nil
        )
    }

    private var edited: Administrative {
        var section = current
        section.bloodGroup = abo.map { BloodGroup(abo: $0, rh: rh) }
        section.ethnicity = ethnicity.isEmpty ? nil : ethnicity
        section.occupation = occupation.isEmpty ? nil : occupation
        section.insuranceNumber = insurance.isEmpty ? nil : insurance
        section.householdCode = household.isEmpty ? nil : household
        section.phone = phone.isEmpty ? nil : phone
        section.reviewedOn = isoDay(Date())
        return section
    }

    var body: some View {
        Form {
            if let newer = model.conflict { ConflictRow(newer: newer) }
            SwiftUI.Section("profile.blood_group") {
                Picker("profile.blood_group", selection: $abo) {
                    Text("—").tag(Abo?.none)
                    ForEach([Abo.o, .a, .b, .ab], id: \.self) { Text(aboName($0)).tag(Optional($0)) }
                }
                .pickerStyle(.segmented)
                Picker("Rh", selection: $rh) {
                    Text("Rh+").tag(Rh.positive)
                    Text("Rh−").tag(Rh.negative)
                }
                .pickerStyle(.segmented)
            }
            FormField(label: "profile.ethnicity", text: $ethnicity, problem: model.problems["ethnicity"])
            FormField(label: "profile.occupation", text: $occupation, problem: model.problems["occupation"])
            FormField(label: "profile.insurance", text: $insurance, problem: model.problems["insurance_number"])
            FormField(label: "profile.household", text: $household, problem: model.problems["household_code"])
            FormField(label: "profile.phone", text: $phone, problem: model.problems["phone"], keyboard: .phonePad)
            if let notice = model.notice { Text(notice).foregroundStyle(.secondary) }
            Button("save") {
                let section = edited
                guard model.check(app, .administrative(section)) else { return }
                Task { if await model.saveProfile(app, section: section) { dismiss() } }
            }
            .disabled(model.busy)
        }
        .navigationTitle("section.administrative")
        .onAppear {
            guard !loaded else { return }
            loaded = true
            let section = current
            abo = section.bloodGroup?.abo
            rh = section.bloodGroup?.rh ?? .positive
            ethnicity = section.ethnicity ?? ""
            occupation = section.occupation ?? ""
            insurance = section.insuranceNumber ?? ""
            household = section.householdCode ?? ""
            phone = section.phone ?? ""
        }
    }
}

struct VisitsView: View {
    @EnvironmentObject private var app: AppModel
    @ObservedObject var model: BookModel

    var body: some View {
        List {
            ForEach(model.followUps, id: \.followUp.entryId) { offer in
                VStack(alignment: .leading, spacing: 4) {
                    Text("follow_up.title \(offer.followUp.on)").font(.headline)
                    Text(offer.followUp.facilityName ?? "")
                    Text(offer.followUp.reason).font(.subheadline)
                    if let slot = offer.slot {
                        Button("follow_up.book \(slot.date) \(slot.start)") {
                            Task { await model.bookFollowUp(app, slot: slot) }
                        }
                        .disabled(model.busy)
                    } else {
                        Text("follow_up.no_slot").font(.subheadline)
                    }
                }
            }
            if model.book?.visits.isEmpty ?? true { Text("book.section_empty") }
            ForEach(model.book?.visits ?? [], id: \.entryId) { entry in
                if case let .encounter(visit) = entry.body {
                    NavigationLink(value: HealthBookView.Step.visit(entry.entryId)) {
                        VStack(alignment: .leading, spacing: 4) {
                            Text(instants.string(from: visit.startedAt)).font(.headline)
                            Text(visit.reason)
                            if let primary = visit.diagnoses.first(where: { $0.primary }) {
                                Text("\(primary.icd10) \(primary.title ?? "")").font(.subheadline)
                            }
                            ProvenanceLine(entry: entry)
                        }
                    }
                }
            }
        }
        .navigationTitle("section.visits")
    }
}

struct VisitView: View {
    @EnvironmentObject private var app: AppModel
    @ObservedObject var model: BookModel
    let entry: BookEntry
    @State private var pdf: URL?

    var body: some View {
        List {
            if case let .encounter(visit) = entry.body {
                ProvenanceLine(entry: entry)
                Labelled(label: "visit.reason", value: visit.reason)
                if let doctor = visit.practitionerName { Labelled(label: "visit.practitioner", value: doctor) }
                Labelled(label: "visit.vitals", value: vitals(visit.vitalSigns))
                if let findings = visit.findings { Labelled(label: "visit.findings", value: findings) }
                if !visit.diagnoses.isEmpty {
                    Labelled(label: "visit.diagnoses", value: visit.diagnoses.map { "\($0.icd10) \($0.title ?? "")" }.joined(separator: "\n"))
                }
                if !visit.results.isEmpty {
                    Labelled(label: "visit.results", value: visit.results.map { "\($0.test): \($0.value) \($0.unit ?? "")" }.joined(separator: "\n"))
                }
                if let treatment = visit.treatment { Labelled(label: "visit.treatment", value: treatment) }
                if !visit.prescriptions.isEmpty {
                    Labelled(label: "visit.prescriptions", value: visit.prescriptions.map { "\($0.medicine) — \($0.dosage)" }.joined(separator: "\n"))
                }
                if let advice = visit.advice { Labelled(label: "visit.advice", value: advice) }
                if let followUp = visit.followUpOn { Labelled(label: "visit.follow_up", value: followUp) }
            }
            Button("visit.download_pdf") { Task { pdf = await model.visitPdf(app, visit: entry) } }
                .disabled(model.busy || model.offline)
            if let pdf { ShareLink(item: pdf) { Label("book.share_pdf", systemImage: "square.and.arrow.up") } }
            if let notice = model.notice { Text(notice).foregroundStyle(.secondary) }
        }
        .navigationTitle("section.visits")
    }

    private func vitals(_ signs: VitalSigns) -> String {
        var parts: [String] = []
        if let pulse = signs.pulse { parts.append("\(Int(pulse)) /min") }
        if let temperature = signs.temperatureC { parts.append("\(temperature) °C") }
        if let systolic = signs.systolic, let diastolic = signs.diastolic { parts.append("\(Int(systolic))/\(Int(diastolic)) mmHg") }
        if let weight = signs.weightKg { parts.append("\(weight) kg") }
        if let height = signs.heightCm { parts.append("\(height) cm") }
        if let bmi = signs.bmi { parts.append("BMI \(bmi)") }
        return parts.joined(separator: " · ")
    }
}

private struct Labelled: View {
    let label: LocalizedStringKey
    let value: String

    var body: some View {
        VStack(alignment: .leading) {
            Text(label).font(.caption).foregroundStyle(.secondary)
            Text(value)
        }
    }
}

struct ReadingsView: View {
    @EnvironmentObject private var app: AppModel
    @ObservedObject var model: BookModel
    @State private var value = ""
    @State private var second = ""
    @State private var unit = ""

    private var pressure: Bool { model.chartKind == .bloodPressure }

    var body: some View {
        Form {
            Picker("readings.kind", selection: Binding(get: { model.chartKind }, set: { kind in
                Task { await model.choose(app, kind: kind) }
            })) {
                ForEach(readingKinds, id: \.self) { Text(readingLabel($0)).tag($0) }
            }
            SwiftUI.Section {
                if model.chart.count < 2 {
                    Text("readings.chart_needs_two")
                } else {
                    // The series, oldest on the left; a blood pressure's diastolic as a second line.
                    Chart {
                        ForEach(Array(model.chart.enumerated()), id: \.offset) { _, point in
                            LineMark(x: .value("time", point.takenAt), y: .value("value", point.value), series: .value("series", "1"))
                            PointMark(x: .value("time", point.takenAt), y: .value("value", point.value))
                                // A reading still waiting to be sent is drawn faint.
                                .opacity(point.pending ? 0.4 : 1)
                            if let lower = point.secondValue {
                                LineMark(x: .value("time", point.takenAt), y: .value("value", lower), series: .value("series", "2"))
                                    .foregroundStyle(.orange)
                            }
                        }
                    }
                    .frame(height: 180)
                }
                ForEach(Array(model.chart.reversed().enumerated()), id: \.offset) { _, point in
                    let values = point.secondValue.map { "\(point.value)/\($0)" } ?? "\(point.value)"
                    Text("\(instants.string(from: point.takenAt)) · \(values) \(point.unit)\(point.pending ? " · " + String(localized: "book.waiting") : "")")
                }
            }
            SwiftUI.Section("readings.add") {
                FormField(label: pressure ? "readings.systolic" : "readings.value", text: $value, problem: model.problems["value"], keyboard: .decimalPad)
                if pressure {
                    FormField(label: "readings.diastolic", text: $second, problem: model.problems["second_value"], keyboard: .decimalPad)
                }
                let units = readingUnits(kind: model.chartKind)
                if units.count > 1 {
                    Picker("readings.unit", selection: $unit) { ForEach(units, id: \.self) { Text($0).tag($0) } }
                }
                Button("readings.save") {
                    let units = readingUnits(kind: model.chartKind)
                    let reading = Observation(
                        kind: model.chartKind,
                        value: Double(value.replacingOccurrences(of: ",", with: ".")) ?? .nan,
                        secondValue: pressure ? (Double(second.replacingOccurrences(of: ",", with: ".")) ?? .nan) : nil,
                        unit: units.contains(unit) ? unit : (units.first ?? ""),
                        takenAt: Date(),
                        note: nil
                    )
                    guard model.check(app, .observation(reading)) else { return }
                    Task {
                        if await model.addReading(app, reading: reading) {
                            value = ""
                            second = ""
                        }
                    }
                }
                .disabled(model.busy)
            }
            if let notice = model.notice { Text(notice).foregroundStyle(.secondary) }
        }
        .navigationTitle("section.readings")
        .onAppear { unit = readingUnits(kind: model.chartKind).first ?? "" }
    }
}

private let readingKinds: [ObservationKind] = [
    .bloodPressure, .heartRate, .bodyTemperature, .oxygenSaturation, .bloodGlucose,
    .bodyWeight, .bodyHeight, .respiratoryRate, .waistCircumference,
]

private func readingLabel(_ kind: ObservationKind) -> LocalizedStringKey {
    switch kind {
    case .bloodPressure: return "reading.blood_pressure"
    case .heartRate: return "reading.heart_rate"
    case .bodyTemperature: return "reading.temperature"
    case .oxygenSaturation: return "reading.oxygen"
    case .bloodGlucose: return "reading.glucose"
    case .bodyWeight: return "reading.weight"
    case .bodyHeight: return "reading.height"
    case .respiratoryRate: return "reading.respiratory_rate"
    case .waistCircumference: return "reading.waist"
    }
}

struct ConsentsView: View {
    @EnvironmentObject private var app: AppModel
    @ObservedObject var model: BookModel

    var body: some View {
        List {
            if let notice = model.notice { Text(notice).foregroundStyle(.secondary) }
            NavigationLink(value: HealthBookView.Step.grant) { Text("consent.new") }.disabled(model.offline)
            if model.consents.isEmpty { Text("consents.none") }
            ForEach(model.consents, id: \.id) { consent in
                DisclosureGroup {
                    // The exact text agreed to, as the server recorded it.
                    Text(consent.text).font(.footnote)
                } label: {
                    VStack(alignment: .leading, spacing: 4) {
                        Text(consent.facilityName).font(.headline)
                        if let name = consent.practitionerName { Text(name) }
                        Text(format("consent.until", consent.validUntil, purposeLabel(consent.purpose)))
                        Text(statusLabel(consent.status)).font(.caption)
                    }
                }
                .swipeActions {
                    if consent.status == .active {
                        Button("consent.withdraw", role: .destructive) { Task { await model.withdraw(app, consent: consent) } }
                    }
                }
            }
        }
        .navigationTitle("consents.title")
        .task { await model.loadConsents(app) }
    }

    private func statusLabel(_ status: ConsentStatus) -> LocalizedStringKey {
        switch status {
        case .active: return "consent.active"
        case .expired: return "consent.expired"
        case .withdrawn: return "consent.withdrawn_status"
        case .suspended: return "consent.suspended"
        }
    }
}

private func purposeLabel(_ purpose: Purpose) -> String {
    switch purpose {
    case .treatment: return String(localized: "purpose.treatment")
    case .referral: return String(localized: "purpose.referral")
    case .followUp: return String(localized: "purpose.follow_up")
    }
}

private func sectionLabel(_ section: HealthBookCore.Section) -> LocalizedStringKey {
    switch section {
    case .administrative: return "section.administrative"
    case .history: return "section.history"
    case .immunizations: return "section.immunizations"
    case .visits: return "section.visits"
    case .readings: return "section.readings"
    }
}

struct GrantView: View {
    @EnvironmentObject private var app: AppModel
    @Environment(\.dismiss) private var dismiss
    @ObservedObject var model: BookModel
    @State private var facility: Facility?
    @State private var practitioner: Practitioner?
    @State private var purpose: Purpose = .treatment
    @State private var sections: Set<HealthBookCore.Section> = []
    @State private var months = 1

    private let allSections: [HealthBookCore.Section] = [.administrative, .history, .immunizations, .visits, .readings]

    var body: some View {
        Form {
            SwiftUI.Section("consent.facility") {
                HStack {
                    TextField("consent.facility", text: $model.facilityText)
                    Button("booking.search") { Task { await model.searchFacilities(app) } }.disabled(model.busy)
                }
                ForEach(model.facilities, id: \.id) { place in
                    Button {
                        facility = place
                        practitioner = nil
                        Task { await model.loadPractitioners(app, facility: place) }
                    } label: {
                        HStack {
                            Text(place.name)
                            if facility?.id == place.id { Spacer(); Image(systemName: "checkmark") }
                        }
                    }
                }
            }
            if facility != nil && !model.practitioners.isEmpty {
                // Everyone of the facility who treats the person, or one named doctor only.
                SwiftUI.Section("consent.who") {
                    Button { practitioner = nil } label: {
                        HStack {
                            Text("consent.whole_facility")
                            if practitioner == nil { Spacer(); Image(systemName: "checkmark") }
                        }
                    }
                    ForEach(model.practitioners.filter { $0.signsIn }, id: \.id) { person in
                        Button { practitioner = person } label: {
                            HStack {
                                Text([person.title, person.fullName].filter { !$0.isEmpty }.joined(separator: " "))
                                if practitioner?.id == person.id { Spacer(); Image(systemName: "checkmark") }
                            }
                        }
                    }
                }
            }
            Picker("consent.purpose", selection: $purpose) {
                Text(purposeLabel(.treatment)).tag(Purpose.treatment)
                Text(purposeLabel(.referral)).tag(Purpose.referral)
                Text(purposeLabel(.followUp)).tag(Purpose.followUp)
            }
            SwiftUI.Section("consent.sections") {
                ForEach(allSections, id: \.self) { section in
                    Toggle(sectionLabel(section), isOn: Binding(
                        get: { sections.contains(section) },
                        set: { on in if on { sections.insert(section) } else { sections.remove(section) } }
                    ))
                }
                if let problem = model.problems["sections"] { Text(problem).foregroundStyle(.red) }
            }
            Picker("consent.duration", selection: $months) {
                ForEach([1, 3, 12], id: \.self) { Text(format("consent.months", $0)).tag($0) }
            }
            Button("consent.show_text") {
                guard let facility else { return }
                let until = Calendar.current.date(byAdding: .month, value: months, to: Date()) ?? Date()
                let ordered = allSections.filter { sections.contains($0) }
                Task {
                    await model.prepare(app, choice: ConsentChoice(
                        facility: facility, purpose: purpose, sections: ordered, categories: [], validUntil: isoDay(until),
                        practitioner: practitioner
                    ))
                }
            }
            .disabled(facility == nil || sections.isEmpty || model.busy)
            if let draft = model.draft {
                // Exactly what the server records with the consent.
                SwiftUI.Section { Text(draft.text) }
                ForEach(draft.issues, id: \.field) { Text($0.message(lang: appLang)).foregroundStyle(.red) }
                Toggle("consent.agree", isOn: $model.agreed)
                if model.owner?.isSelf == false {
                    Toggle("consent.child_assent", isOn: $model.childAssent)
                    if let problem = model.problems["child_assent"] { Text(problem).foregroundStyle(.red) }
                }
                Button("consent.grant") { Task { if await model.grant(app) { dismiss() } } }
                    .disabled(!model.agreed || !draft.issues.isEmpty || model.busy)
            }
            if let notice = model.notice { Text(notice).foregroundStyle(.secondary) }
        }
        .navigationTitle("consent.new")
    }
}

struct AccessLogView: View {
    @EnvironmentObject private var app: AppModel
    @ObservedObject var model: BookModel

    var body: some View {
        List {
            if model.offline { Text("home.offline").foregroundStyle(.orange) }
            if model.log.isEmpty { Text("access_log.none") }
            // The core's sentence, in the app's language: who, where, what, when, on what basis.
            ForEach(model.log, id: \.entry.id) { Text($0.sentence) }
            if model.logCursor != nil {
                Button("more") { Task { await model.loadLog(app, more: true) } }.disabled(model.busy)
            }
        }
        .navigationTitle("access_log.title")
        .task { await model.loadLog(app) }
    }
}
