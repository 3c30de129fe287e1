import HealthBookCore
import SwiftUI

/// The forms of section II, each a screen of its own opened from the history list.
enum HistoryForm: Hashable, CaseIterable {
    case allergy, pastDisease, disability, surgery, familyHistory, riskFactors, reproductive

    var title: LocalizedStringKey {
        switch self {
        case .allergy: return "history.add_allergy"
        case .pastDisease: return "history.add_past_disease"
        case .disability: return "history.add_disability"
        case .surgery: return "history.add_surgery"
        case .familyHistory: return "history.add_family"
        case .riskFactors: return "history.risk_factors"
        case .reproductive: return "history.reproductive"
        }
    }
}

/// Section II as last read, what waits to be sent, and a way into each form.
struct HistoryView: View {
    @ObservedObject var model: BookModel

    var body: some View {
        let history = model.book?.history ?? []
        let waiting = queuedHistory(model.book)
        Form {
            SwiftUI.Section("section.history") {
                if history.isEmpty && waiting.isEmpty { Text("book.section_empty") }
                // Written on this phone and not sent yet: shown, so that nothing seems lost.
                ForEach(Array(waiting.enumerated()), id: \.offset) { _, queued in
                    VStack(alignment: .leading, spacing: 4) {
                        Text(historyLine(queued))
                        Text("book.waiting").font(.caption).foregroundStyle(.orange)
                    }
                }
                ForEach(history, id: \.entryId) { entry in
                    VStack(alignment: .leading, spacing: 4) {
                        Text(historyLine(entry.body)).strikethrough(entry.status == .enteredInError)
                        ProvenanceLine(entry: entry)
                    }
                }
            }
            SwiftUI.Section("history.write") {
                ForEach(HistoryForm.allCases, id: \.self) { form in
                    NavigationLink(value: HealthBookView.Step.historyForm(form)) { Text(form.title) }
                }
            }
            if let notice = model.notice { Text(notice).foregroundStyle(.secondary) }
        }
        .navigationTitle("section.history")
    }
}

struct HistoryFormView: View {
    @ObservedObject var model: BookModel
    let form: HistoryForm

    var body: some View {
        Group {
            switch form {
            case .allergy: AllergyForm(model: model)
            case .pastDisease: PastDiseaseForm(model: model)
            case .disability: DisabilityForm(model: model)
            case .surgery: SurgeryForm(model: model)
            case .familyHistory: FamilyHistoryForm(model: model)
            case .riskFactors: RiskFactorsForm(model: model)
            case .reproductive: ReproductiveForm(model: model)
            }
        }
        .navigationTitle(form.title)
        .onAppear { model.clearProblems() }
    }
}

private struct AllergyForm: View {
    @EnvironmentObject private var app: AppModel
    @Environment(\.dismiss) private var dismiss
    @ObservedObject var model: BookModel
    @State private var kind: AllergyKind = .drug
    @State private var substance = ""
    @State private var reaction = ""
    @State private var severity: Severity?

    var body: some View {
        Form {
            Picker("history.allergy_kind", selection: $kind) {
                ForEach(allergyKinds, id: \.self) { Text(allergyKindLabel($0)).tag($0) }
            }
            FormField(label: "history.substance", text: $substance, problem: model.problems["substance"])
            FormField(label: "history.reaction", text: $reaction, problem: model.problems["reaction"])
            Picker("history.severity", selection: $severity) {
                Text("—").tag(Severity?.none)
                ForEach(severities, id: \.self) { Text(severityLabel($0)).tag(Optional($0)) }
            }
            Notice(model: model)
            Button("history.add") {
                let body = EntryBody.allergy(Allergy(kind: kind, substance: substance, reaction: reaction.isEmpty ? nil : reaction, severity: severity))
                guard model.check(app, body) else { return }
                Task { if await model.addHistory(app, body: body) { dismiss() } }
            }
            .disabled(model.busy)
        }
    }
}

private struct PastDiseaseForm: View {
    @EnvironmentObject private var app: AppModel
    @Environment(\.dismiss) private var dismiss
    @ObservedObject var model: BookModel
    @State private var disease: ChecklistDisease?
    @State private var icd10 = ""
    @State private var since = ""
    @State private var note = ""

    var body: some View {
        Form {
            Picker("history.disease", selection: $disease) {
                Text("—").tag(ChecklistDisease?.none)
                ForEach(checklistDiseases, id: \.self) { Text(diseaseLabel($0)).tag(Optional($0)) }
            }
            FormField(label: "history.icd10", text: $icd10, problem: model.problems["icd10"], keyboard: .asciiCapable)
            FormField(label: "history.since_year", text: $since, problem: model.problems["since_year"], keyboard: .numberPad)
            FormField(label: "history.note", text: $note, problem: model.problems["note"], multiline: true)
            Notice(model: model)
            Button("history.add") {
                guard let disease else { return }
                let body = EntryBody.pastDisease(PastDisease(
                    disease: disease, icd10: icd10.isEmpty ? nil : icd10, sinceYear: typedYear(since), note: note.isEmpty ? nil : note
                ))
                guard model.check(app, body) else { return }
                Task { if await model.addHistory(app, body: body) { dismiss() } }
            }
            .disabled(model.busy || disease == nil)
        }
    }
}

private struct DisabilityForm: View {
    @EnvironmentObject private var app: AppModel
    @Environment(\.dismiss) private var dismiss
    @ObservedObject var model: BookModel
    @State private var kind: DisabilityKind?
    @State private var detail = ""

    var body: some View {
        Form {
            Picker("history.disability_kind", selection: $kind) {
                Text("—").tag(DisabilityKind?.none)
                ForEach(disabilityKinds, id: \.self) { Text(disabilityLabel($0)).tag(Optional($0)) }
            }
            FormField(label: "history.disability_detail", text: $detail, problem: model.problems["detail"])
            Notice(model: model)
            Button("history.add") {
                guard let kind else { return }
                let body = EntryBody.disability(Disability(kind: kind, detail: detail.isEmpty ? nil : detail))
                guard model.check(app, body) else { return }
                Task { if await model.addHistory(app, body: body) { dismiss() } }
            }
            .disabled(model.busy || kind == nil)
        }
    }
}

private struct SurgeryForm: View {
    @EnvironmentObject private var app: AppModel
    @Environment(\.dismiss) private var dismiss
    @ObservedObject var model: BookModel
    @State private var procedure = ""
    @State private var year = ""
    @State private var facility = ""
    @State private var note = ""

    var body: some View {
        Form {
            FormField(label: "history.procedure", text: $procedure, problem: model.problems["procedure"])
            FormField(label: "history.surgery_year", text: $year, problem: model.problems["year"], keyboard: .numberPad)
            FormField(label: "history.surgery_facility", text: $facility, problem: model.problems["facility"])
            FormField(label: "history.note", text: $note, problem: model.problems["note"], multiline: true)
            Notice(model: model)
            Button("history.add") {
                let body = EntryBody.surgery(Surgery(
                    procedure: procedure, year: typedYear(year), facility: facility.isEmpty ? nil : facility, note: note.isEmpty ? nil : note
                ))
                guard model.check(app, body) else { return }
                Task { if await model.addHistory(app, body: body) { dismiss() } }
            }
            .disabled(model.busy)
        }
    }
}

private struct FamilyHistoryForm: View {
    @EnvironmentObject private var app: AppModel
    @Environment(\.dismiss) private var dismiss
    @ObservedObject var model: BookModel
    @State private var relative: Relative?
    @State private var disease: ChecklistDisease?
    @State private var icd10 = ""
    @State private var note = ""

    var body: some View {
        Form {
            Picker("history.relative", selection: $relative) {
                Text("—").tag(Relative?.none)
                ForEach(relatives, id: \.self) { Text(relativeLabel($0)).tag(Optional($0)) }
            }
            Picker("history.disease", selection: $disease) {
                Text("—").tag(ChecklistDisease?.none)
                ForEach(checklistDiseases, id: \.self) { Text(diseaseLabel($0)).tag(Optional($0)) }
            }
            FormField(label: "history.icd10", text: $icd10, problem: model.problems["icd10"], keyboard: .asciiCapable)
            FormField(label: "history.note", text: $note, problem: model.problems["note"], multiline: true)
            Notice(model: model)
            Button("history.add") {
                guard let relative, let disease else { return }
                let body = EntryBody.familyHistory(FamilyHistory(
                    relative: relative, disease: disease, icd10: icd10.isEmpty ? nil : icd10, note: note.isEmpty ? nil : note
                ))
                guard model.check(app, body) else { return }
                Task { if await model.addHistory(app, body: body) { dismiss() } }
            }
            .disabled(model.busy || relative == nil || disease == nil)
        }
    }
}

/// The book holds one risk-factors entry: the first is added (and may wait in the queue), later
/// changes correct it with a reason, which needs the network. The form opens on what the book holds.
private struct RiskFactorsForm: View {
    @EnvironmentObject private var app: AppModel
    @Environment(\.dismiss) private var dismiss
    @ObservedObject var model: BookModel
    @State private var smoking: UseStatus?
    @State private var alcohol: UseStatus?
    @State private var drugs: UseStatus?
    @State private var activity: ActivityLevel?
    @State private var delivery: Delivery?
    @State private var weight = ""
    @State private var length = ""
    @State private var weeks = ""
    @State private var asphyxia: Bool?
    @State private var defects = ""
    @State private var reason = ""
    @State private var loaded = false

    private var held: (entry: BookEntry, value: RiskFactors)? { heldEntry(model.book, riskFactors(of:)) }
    private var waiting: RiskFactors? { waitingEntry(model.book, riskFactors(of:)) }
    private var base: RiskFactors? { waiting ?? held?.value }

    private var edited: RiskFactors {
        let birth = BirthCondition(
            delivery: delivery, weightGrams: typedCount(weight), lengthCm: typedCount(length),
            gestationalWeeks: typedCount(weeks), asphyxia: asphyxia, birthDefects: defects.isEmpty ? nil : defects
        )
        let empty = BirthCondition(delivery: nil, weightGrams: nil, lengthCm: nil, gestationalWeeks: nil, asphyxia: nil, birthDefects: nil)
        return RiskFactors(
            conditionAtBirth: birth == empty ? nil : birth, smoking: smoking, alcohol: alcohol, drugs: drugs, physicalActivity: activity
        )
    }

    private var unchanged: Bool {
        edited == (base ?? RiskFactors(conditionAtBirth: nil, smoking: nil, alcohol: nil, drugs: nil, physicalActivity: nil))
    }

    var body: some View {
        Form {
            if waiting != nil { Text("history.waiting_form").foregroundStyle(.orange) }
            SwiftUI.Section("history.risk_factors_line") {
                usePicker("risk.smoking", $smoking)
                usePicker("risk.alcohol", $alcohol)
                usePicker("risk.drugs", $drugs)
                Picker("risk.activity", selection: $activity) {
                    Text("—").tag(ActivityLevel?.none)
                    ForEach(activityLevels, id: \.self) { Text(activityLabel($0)).tag(Optional($0)) }
                }
            }
            SwiftUI.Section("birth.condition") {
                Picker("birth.delivery", selection: $delivery) {
                    Text("—").tag(Delivery?.none)
                    ForEach(deliveries, id: \.self) { Text(deliveryLabel($0)).tag(Optional($0)) }
                }
                FormField(label: "birth.weight", text: $weight, problem: model.problems["condition_at_birth.weight_grams"], keyboard: .numberPad)
                FormField(label: "birth.length", text: $length, problem: model.problems["condition_at_birth.length_cm"], keyboard: .numberPad)
                FormField(
                    label: "birth.weeks", text: $weeks, problem: model.problems["condition_at_birth.gestational_weeks"], keyboard: .numberPad
                )
                Picker("birth.asphyxia", selection: $asphyxia) {
                    Text("—").tag(Bool?.none)
                    Text("yes").tag(Optional(true))
                    Text("no").tag(Optional(false))
                }
                FormField(label: "birth.defects", text: $defects, problem: model.problems["condition_at_birth.birth_defects"])
            }
            if let held { CorrectionSection(model: model, entry: held.entry, reason: $reason) }
            Notice(model: model)
            Button(held == nil ? LocalizedStringKey("history.add") : LocalizedStringKey("history.save_change")) {
                let body = EntryBody.riskFactors(edited)
                let correcting = held?.entry
                let why = reason
                guard model.check(app, body) else { return }
                Task {
                    let done: Bool
                    if let correcting {
                        done = await model.correctHistory(app, entry: correcting, body: body, reason: why)
                    } else {
                        done = await model.addHistory(app, body: body)
                    }
                    if done { dismiss() }
                }
            }
            .disabled(model.busy || waiting != nil || unchanged)
        }
        .onAppear {
            guard !loaded else { return }
            loaded = true
            fill(base)
        }
        // A newer version read after a conflict (or an entry written elsewhere) replaces the form.
        .onChange(of: base) { fill($0) }
    }

    private func usePicker(_ title: LocalizedStringKey, _ selection: Binding<UseStatus?>) -> some View {
        Picker(title, selection: selection) {
            Text("—").tag(UseStatus?.none)
            ForEach(useStatuses, id: \.self) { Text(useStatusLabel($0)).tag(Optional($0)) }
        }
    }

    private func fill(_ value: RiskFactors?) {
        let birth = value?.conditionAtBirth
        smoking = value?.smoking
        alcohol = value?.alcohol
        drugs = value?.drugs
        activity = value?.physicalActivity
        delivery = birth?.delivery
        weight = birth?.weightGrams.map { "\($0)" } ?? ""
        length = birth?.lengthCm.map { "\($0)" } ?? ""
        weeks = birth?.gestationalWeeks.map { "\($0)" } ?? ""
        asphyxia = birth?.asphyxia
        defects = birth?.birthDefects ?? ""
        reason = ""
    }
}

/// Held once, like risk factors: added first, corrected with a reason afterwards.
private struct ReproductiveForm: View {
    @EnvironmentObject private var app: AppModel
    @Environment(\.dismiss) private var dismiss
    @ObservedObject var model: BookModel
    @State private var contraception: Contraception?
    @State private var pregnancies = ""
    @State private var births = ""
    @State private var miscarriages = ""
    @State private var note = ""
    @State private var reason = ""
    @State private var loaded = false

    private var held: (entry: BookEntry, value: Reproductive)? { heldEntry(model.book, reproductive(of:)) }
    private var waiting: Reproductive? { waitingEntry(model.book, reproductive(of:)) }
    private var base: Reproductive? { waiting ?? held?.value }

    private var edited: Reproductive {
        Reproductive(
            contraception: contraception, pregnancies: typedCount(pregnancies), births: typedCount(births),
            miscarriages: typedCount(miscarriages), note: note.isEmpty ? nil : note
        )
    }

    private var unchanged: Bool {
        edited == (base ?? Reproductive(contraception: nil, pregnancies: nil, births: nil, miscarriages: nil, note: nil))
    }

    var body: some View {
        Form {
            if waiting != nil { Text("history.waiting_form").foregroundStyle(.orange) }
            // `Contraception` has a case named `none`: nil is spelled out so that it is never taken for it.
            Picker("repro.contraception", selection: $contraception) {
                Text("—").tag(nil as Contraception?)
                ForEach(contraceptions, id: \.self) { Text(contraceptionLabel($0)).tag(Optional($0)) }
            }
            FormField(label: "repro.pregnancies", text: $pregnancies, problem: model.problems["pregnancies"], keyboard: .numberPad)
            FormField(label: "repro.births", text: $births, problem: model.problems["births"], keyboard: .numberPad)
            FormField(label: "repro.miscarriages", text: $miscarriages, problem: model.problems["miscarriages"], keyboard: .numberPad)
            FormField(label: "history.note", text: $note, problem: model.problems["note"], multiline: true)
            if let held { CorrectionSection(model: model, entry: held.entry, reason: $reason) }
            Notice(model: model)
            Button(held == nil ? LocalizedStringKey("history.add") : LocalizedStringKey("history.save_change")) {
                let body = EntryBody.reproductive(edited)
                let correcting = held?.entry
                let why = reason
                guard model.check(app, body) else { return }
                Task {
                    let done: Bool
                    if let correcting {
                        done = await model.correctHistory(app, entry: correcting, body: body, reason: why)
                    } else {
                        done = await model.addHistory(app, body: body)
                    }
                    if done { dismiss() }
                }
            }
            .disabled(model.busy || waiting != nil || unchanged)
        }
        .onAppear {
            guard !loaded else { return }
            loaded = true
            fill(base)
        }
        .onChange(of: base) { fill($0) }
    }

    private func fill(_ value: Reproductive?) {
        contraception = value?.contraception
        pregnancies = value?.pregnancies.map { "\($0)" } ?? ""
        births = value?.births.map { "\($0)" } ?? ""
        miscarriages = value?.miscarriages.map { "\($0)" } ?? ""
        note = value?.note ?? ""
        reason = ""
    }
}

/// What a correction adds to a form: whose version it replaces, and the reason the book keeps.
private struct CorrectionSection: View {
    @ObservedObject var model: BookModel
    let entry: BookEntry
    @Binding var reason: String

    var body: some View {
        SwiftUI.Section {
            ProvenanceLine(entry: entry)
            Text("history.correct_hint").font(.footnote)
            FormField(label: "history.reason", text: $reason, problem: model.problems["reason"], multiline: true)
            if model.offline { Text("history.correct_online").foregroundStyle(.orange) }
        }
    }
}

private struct Notice: View {
    @ObservedObject var model: BookModel

    var body: some View {
        if let notice = model.notice { Text(notice).foregroundStyle(.secondary) }
    }
}

private func riskFactors(of body: EntryBody) -> RiskFactors? {
    if case let .riskFactors(value) = body { return value }
    return nil
}

private func reproductive(of body: EntryBody) -> Reproductive? {
    if case let .reproductive(value) = body { return value }
    return nil
}

/// The book's entry of a kind it holds once, if any (one marked in error is not it): its form corrects it.
private func heldEntry<T>(_ book: BookView?, _ value: (EntryBody) -> T?) -> (entry: BookEntry, value: T)? {
    for entry in book?.history ?? [] where entry.status != .enteredInError {
        if let found = value(entry.body) { return (entry, found) }
    }
    return nil
}

/// Such an entry added on this phone and still waiting to be sent.
private func waitingEntry<T>(_ book: BookView?, _ value: (EntryBody) -> T?) -> T? {
    queuedHistory(book).reversed().compactMap(value).first
}

private func queuedHistory(_ book: BookView?) -> [EntryBody] {
    (book?.pending ?? []).compactMap { pending in
        if case let .addEntry(_, body) = pending.action { return body }
        return nil
    }
}

/// A typed whole number. Text that is not one goes to the core as a number beyond every range,
/// so that the core names the field's bounds, as the readings form sends NaN.
private func typedCount(_ text: String) -> UInt32? {
    let trimmed = text.trimmingCharacters(in: .whitespaces)
    return trimmed.isEmpty ? nil : UInt32(trimmed) ?? .max
}

private func typedYear(_ text: String) -> Int32? {
    let trimmed = text.trimmingCharacters(in: .whitespaces)
    return trimmed.isEmpty ? nil : Int32(trimmed) ?? .min
}

/// One entry of section II in a line (two for the kinds held once), in the app's language.
func historyLine(_ body: EntryBody) -> String {
    switch body {
    case let .allergy(allergy):
        return parts(
            format("history.allergy_line", allergy.substance), allergyKindLabel(allergy.kind), allergy.reaction,
            allergy.severity.map(severityLabel)
        )
    case let .pastDisease(past):
        return parts(
            format("history.past_disease_line", disease(past.disease, past.icd10)),
            past.sinceYear.map { format("history.since", "\($0)") }
        )
    case let .surgery(surgery):
        return parts(format("history.surgery_line", surgery.procedure), surgery.year.map { format("history.in_year", "\($0)") }, surgery.facility)
    case let .familyHistory(family):
        return format("history.family_line", relativeLabel(family.relative), disease(family.disease, family.icd10))
    case let .disability(disability):
        return parts(format("history.disability_line", disabilityLabel(disability.kind)), disability.detail)
    case let .riskFactors(risk):
        return riskFactorsLines(risk)
    case let .reproductive(repro):
        let details = parts(
            repro.contraception.map { labelled("repro.contraception", contraceptionLabel($0)) },
            repro.pregnancies.map { labelled("repro.pregnancies", "\($0)") },
            repro.births.map { labelled("repro.births", "\($0)") },
            repro.miscarriages.map { labelled("repro.miscarriages", "\($0)") }
        )
        return [String(localized: "history.reproductive_line"), details].filter { !$0.isEmpty }.joined(separator: "\n")
    default:
        return ""
    }
}

private func riskFactorsLines(_ risk: RiskFactors) -> String {
    let uses = parts(
        risk.smoking.map { labelled("risk.smoking", useStatusLabel($0)) },
        risk.alcohol.map { labelled("risk.alcohol", useStatusLabel($0)) },
        risk.drugs.map { labelled("risk.drugs", useStatusLabel($0)) },
        risk.physicalActivity.map { labelled("risk.activity", activityLabel($0)) }
    )
    var lines = [String(localized: "history.risk_factors_line")]
    if !uses.isEmpty { lines.append(uses) }
    if let birth = risk.conditionAtBirth {
        let asphyxia = birth.asphyxia.map { $0 ? String(localized: "birth.asphyxia_yes") : String(localized: "birth.asphyxia_no") }
        let details = [
            birth.delivery.map(deliveryLabel),
            birth.weightGrams.map { format("birth.grams", "\($0)") },
            birth.lengthCm.map { format("birth.cm", "\($0)") },
            birth.gestationalWeeks.map { format("birth.weeks_count", "\($0)") },
            asphyxia,
            birth.birthDefects.map { labelled("birth.defects", $0) },
        ].compactMap { $0 }
        if !details.isEmpty { lines.append(labelled("birth.condition", details.joined(separator: ", "))) }
    }
    return lines.joined(separator: "\n")
}

private func labelled(_ label: String.LocalizationValue, _ value: String) -> String {
    format("history.labelled", String(localized: label), value)
}

private func parts(_ parts: String?...) -> String {
    parts.compactMap { $0 }.filter { !$0.isEmpty }.joined(separator: " · ")
}

/// A checklist disease, with the ICD-10 code a professional gave, if any.
private func disease(_ disease: ChecklistDisease, _ icd10: String?) -> String {
    diseaseLabel(disease) + (icd10.map { " (\($0))" } ?? "")
}

private let allergyKinds: [AllergyKind] = [.drug, .food, .chemical, .environment, .other]
private let severities: [Severity] = [.mild, .moderate, .severe]
private let checklistDiseases: [ChecklistDisease] = [
    .heartDisease, .hypertension, .diabetes, .stomachDisease, .chronicLungDisease, .asthma, .goitre, .hepatitis,
    .congenitalHeartDisease, .mentalIllness, .autism, .epilepsy, .cancer, .tuberculosis, .other,
]
private let disabilityKinds: [DisabilityKind] = [.vision, .hearing, .speech, .mobility, .intellectual, .mental, .other]
private let relatives: [Relative] = [.father, .mother, .sibling, .grandparent, .child, .other]
private let useStatuses: [UseStatus] = [.never, .former, .occasional, .regular]
private let activityLevels: [ActivityLevel] = [.low, .moderate, .high]
private let deliveries: [Delivery] = [.vaginal, .caesarean, .assisted]
private let contraceptions: [Contraception] = [
    Contraception.none, .condom, .pill, .iud, .implant, .injection, .sterilisation, .other,
]

private func allergyKindLabel(_ kind: AllergyKind) -> String {
    switch kind {
    case .drug: return String(localized: "allergy.drug")
    case .food: return String(localized: "allergy.food")
    case .chemical: return String(localized: "allergy.chemical")
    case .environment: return String(localized: "allergy.environment")
    case .other: return String(localized: "allergy.other")
    }
}

private func severityLabel(_ severity: Severity) -> String {
    switch severity {
    case .mild: return String(localized: "severity.mild")
    case .moderate: return String(localized: "severity.moderate")
    case .severe: return String(localized: "severity.severe")
    }
}

private func diseaseLabel(_ disease: ChecklistDisease) -> String {
    switch disease {
    case .heartDisease: return String(localized: "disease.heart")
    case .hypertension: return String(localized: "disease.hypertension")
    case .diabetes: return String(localized: "disease.diabetes")
    case .stomachDisease: return String(localized: "disease.stomach")
    case .chronicLungDisease: return String(localized: "disease.chronic_lung")
    case .asthma: return String(localized: "disease.asthma")
    case .goitre: return String(localized: "disease.goitre")
    case .hepatitis: return String(localized: "disease.hepatitis")
    case .congenitalHeartDisease: return String(localized: "disease.congenital_heart")
    case .mentalIllness: return String(localized: "disease.mental")
    case .autism: return String(localized: "disease.autism")
    case .epilepsy: return String(localized: "disease.epilepsy")
    case .cancer: return String(localized: "disease.cancer")
    case .tuberculosis: return String(localized: "disease.tuberculosis")
    case .other: return String(localized: "disease.other")
    }
}

private func disabilityLabel(_ kind: DisabilityKind) -> String {
    switch kind {
    case .vision: return String(localized: "disability.vision")
    case .hearing: return String(localized: "disability.hearing")
    case .speech: return String(localized: "disability.speech")
    case .mobility: return String(localized: "disability.mobility")
    case .intellectual: return String(localized: "disability.intellectual")
    case .mental: return String(localized: "disability.mental")
    case .other: return String(localized: "disability.other")
    }
}

private func relativeLabel(_ relative: Relative) -> String {
    switch relative {
    case .father: return String(localized: "relative.father")
    case .mother: return String(localized: "relative.mother")
    case .sibling: return String(localized: "relative.sibling")
    case .grandparent: return String(localized: "relative.grandparent")
    case .child: return String(localized: "relative.child")
    case .other: return String(localized: "relative.other")
    }
}

private func useStatusLabel(_ status: UseStatus) -> String {
    switch status {
    case .never: return String(localized: "use.never")
    case .former: return String(localized: "use.former")
    case .occasional: return String(localized: "use.occasional")
    case .regular: return String(localized: "use.regular")
    }
}

private func activityLabel(_ level: ActivityLevel) -> String {
    switch level {
    case .low: return String(localized: "activity.low")
    case .moderate: return String(localized: "activity.moderate")
    case .high: return String(localized: "activity.high")
    }
}

private func deliveryLabel(_ delivery: Delivery) -> String {
    switch delivery {
    case .vaginal: return String(localized: "delivery.vaginal")
    case .caesarean: return String(localized: "delivery.caesarean")
    case .assisted: return String(localized: "delivery.assisted")
    }
}

private func contraceptionLabel(_ method: Contraception) -> String {
    switch method {
    case .none: return String(localized: "contraception.none")
    case .condom: return String(localized: "contraception.condom")
    case .pill: return String(localized: "contraception.pill")
    case .iud: return String(localized: "contraception.iud")
    case .implant: return String(localized: "contraception.implant")
    case .injection: return String(localized: "contraception.injection")
    case .sterilisation: return String(localized: "contraception.sterilisation")
    case .other: return String(localized: "contraception.other")
    }
}
