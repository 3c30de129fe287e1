import HealthBookCore
import SwiftUI

struct CertificatesView: View {
    @EnvironmentObject private var app: AppModel
    @StateObject private var model = CertificatesModel()
    @State private var scanning = false
    @State private var showing: SavedCertificate?

    var body: some View {
        List {
            if let lists = model.lists { ListsLine(lists: lists, offline: model.offline) }
            if let notice = model.notice { Text(notice).foregroundStyle(.red) }
            SwiftUI.Section("certificates.check_title") {
                TextField("certificates.paste", text: $model.text, axis: .vertical).lineLimit(3)
                HStack {
                    Button("certificates.scan") { scanning = true }
                    Spacer()
                    Button("certificates.verify") { Task { await model.verify(app, text: model.text) } }
                        .disabled(model.busy || model.text.isEmpty)
                }
                .buttonStyle(.borderless)
                if let check = model.check {
                    Verdict(check: check)
                    if check.details != nil {
                        Button("certificates.save") { Task { await model.save(app) } }.disabled(model.busy)
                    }
                }
            }
            SwiftUI.Section("certificates.mine") {
                if model.saved.isEmpty { Text("certificates.none") }
                ForEach(model.saved, id: \.id) { saved in
                    Verdict(check: saved.check)
                        .contentShape(Rectangle())
                        .onTapGesture { showing = saved }
                        .swipeActions {
                            Button("certificates.remove", role: .destructive) { Task { await model.remove(app, saved) } }
                        }
                }
            }
        }
        .navigationTitle("certificates.title")
        .task { await model.load(app) }
        .refreshable { await model.refreshLists(app) }
        .sheet(isPresented: $scanning) {
            QRScannerView { text in
                scanning = false
                Task { await model.verify(app, text: text) }
            }
            .ignoresSafeArea()
        }
        .sheet(item: Binding(get: { showing.map(Shown.init) }, set: { showing = $0?.certificate })) { shown in
            VStack(spacing: 16) {
                Text(shown.certificate.check.details?.holderName ?? "").font(.headline)
                QRCodeView(text: shown.certificate.hc1, label: "certificates.qr_description")
                Button("done") { showing = nil }
            }
            .padding()
        }
    }

    /// `sheet(item:)` wants an `Identifiable`.
    struct Shown: Identifiable {
        let certificate: SavedCertificate
        var id: UUID { certificate.id }
    }
}

private struct ListsLine: View {
    let lists: ListsStatus
    let offline: Bool

    var body: some View {
        VStack(alignment: .leading) {
            if !lists.pinned {
                // The core's words for the refusal that follows: nothing to verify against.
                Text(CertificateError.NoPinnedKey.userMessage(lang: appLang)).foregroundStyle(.red)
            } else if lists.trustListVersion == nil {
                Text("certificates.no_list").foregroundStyle(.red)
            } else if lists.stale {
                Text("certificates.lists_stale").foregroundStyle(.orange)
            } else {
                Text(String(format: String(localized: "certificates.lists_ok"),
                            lists.fetchedAt?.formatted(date: .abbreviated, time: .omitted) ?? ""))
                    .foregroundStyle(.secondary)
            }
            if offline { Text("home.offline").foregroundStyle(.orange) }
        }
        .font(.caption)
    }
}

private struct Verdict: View {
    let check: CertificateCheck

    var body: some View {
        VStack(alignment: .leading, spacing: 4) {
            switch check.outcome {
            case .valid: Text("verdict.valid").foregroundStyle(.green).bold()
            case .revoked: Text("verdict.revoked").foregroundStyle(.red).bold()
            case .unknownIssuer: Text("verdict.unknown_issuer").foregroundStyle(.red).bold()
            case let .invalid(_, message):
                Text(String(format: String(localized: "verdict.invalid"), message)).foregroundStyle(.red).bold()
            }
            if let details = check.details { Details(details: details, trusted: check.outcome == .valid) }
        }
    }
}

private struct Details: View {
    let details: CertificateDetails
    let trusted: Bool

    var body: some View {
        if !trusted { Text("certificates.unverified_content").font(.caption) }
        Text(details.holderName).font(.headline)
        Text(String(format: String(localized: "home.born"), details.dcc.dob))
        Text(String(format: String(localized: "certificate.disease"), details.targetDisease))
        switch details.dcc.event {
        case let .vaccination(dose):
            Text(String(format: String(localized: "certificate.dose"), Int(dose.dn), Int(dose.sd), dose.dt))
            Text(String(format: String(localized: "certificate.vaccine"), dose.mp, dose.ma))
            Text(String(format: String(localized: "certificate.issuer"), dose.is, dose.co))
        case let .test(test):
            Text(String(format: String(localized: "certificate.test"), test.sc, test.co))
        case let .recovery(recovery):
            Text(String(format: String(localized: "certificate.recovery"), recovery.fr, recovery.co))
        }
        Text(String(format: String(localized: "certificate.validity"),
                    details.issuedAt?.formatted(date: .abbreviated, time: .omitted) ?? "",
                    details.expiresAt?.formatted(date: .abbreviated, time: .omitted) ?? ""))
            .font(.caption)
        Text(details.certificateId).font(.caption2).foregroundStyle(.secondary)
    }
}
