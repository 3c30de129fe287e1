import Foundation
import HealthBookCore
import Network

/// Holds the one `HealthBookClient` of the app and which part of the app is showing. The
/// logic lives in the core; this supplies what iOS owns: the Keychain, private storage,
/// the language, the network's comings and goings, and the passkey sheets.
@MainActor
final class AppModel: ObservableObject {
    enum Screen: Equatable { case signIn, main }

    @Published var screen: Screen
    let core: HealthBookClient
    let passkeys = PasskeyAuthorization()
    private let monitor = NWPathMonitor()

    init() {
        let bundle = Bundle.main
        let baseURL = bundle.object(forInfoDictionaryKey: "HealthBookAPIBaseURL") as? String ?? "https://api.healthbook.gov.vn"
        passkeys.relyingParty = bundle.object(forInfoDictionaryKey: "HealthBookRelyingParty") as? String ?? "healthbook.gov.vn"
        let support = FileManager.default.urls(for: .applicationSupportDirectory, in: .userDomainMask)[0]
        let folder = support.appendingPathComponent("HealthBook", isDirectory: true)
        let store = folder.appendingPathComponent("store.sqlite")
        let config = ClientConfig(
            baseUrl: baseURL,
            storePath: store.path,
            lang: appLang,
            deviceName: UIDeviceName.current
        )
        let keys = KeychainKeyVault()
        do {
            if !FileManager.default.fileExists(atPath: store.path) {
                // A first start, or one after the app was deleted: Keychain items outlive
                // the app, and keys of a store that is gone protect nothing.
                keys.forgetAll()
            }
            try Self.prepareStoreFolder(folder)
            core = try HealthBookClient(config: config, tokenStore: KeychainTokenStore(), keyVault: keys)
            try Self.excludeFromBackup(store)
        } catch {
            // The store lives in the app's own container: failing to open it is a broken
            // installation, not a state the app can work around.
            fatalError("HealthBook cannot open its offline store: \(error)")
        }
        screen = core.isSignedIn() ? .main : .signIn
        pinTrustListKey(bundle)
        monitor.pathUpdateHandler = { [weak self] path in
            guard path.status == .satisfied else { return }
            Task { @MainActor in self?.syncInBackground() }
        }
        monitor.start(queue: DispatchQueue(label: "vn.healthbook.network"))
    }

    /// The store's folder, made before the store so that nothing in it is ever in a backup
    /// (iCloud or a computer's): the file is ciphertext without this phone's Keychain, and a
    /// backup has no business holding even that. Its files are readable once the phone has
    /// been unlocked after a restart, so a sync can run in the background.
    private static func prepareStoreFolder(_ folder: URL) throws {
        let files = FileManager.default
        try files.createDirectory(at: folder, withIntermediateDirectories: true)
        // Set on a folder an earlier version made too; files made in it inherit the class.
        try files.setAttributes(
            [.protectionKey: FileProtectionType.completeUntilFirstUserAuthentication],
            ofItemAtPath: folder.path
        )
        try excludeFromBackup(folder)
    }

    private static func excludeFromBackup(_ url: URL) throws {
        var url = url
        var values = URLResourceValues()
        values.isExcludedFromBackup = true
        try url.setResourceValues(values)
    }

    func signedIn() { screen = .main }
    func signedOut() { screen = .signIn }

    func syncInBackground() {
        let certificates = core.certificates()
        Task.detached { _ = try? await certificates.refresh() }
        guard core.isSignedIn() else { return }
        let offline = core.offline()
        Task.detached { _ = try? await offline.sync() }
    }

    /// The trust-list signing key ships in the bundle (`TrustListSigningKey.pem`, see
    /// docs/mobile.md): certificates are verified against lists this key signed, never
    /// against the network's word. A build without one verifies nothing and says so.
    private func pinTrustListKey(_ bundle: Bundle) {
        guard let url = bundle.url(forResource: "TrustListSigningKey", withExtension: "pem"),
              let key = try? String(contentsOf: url, encoding: .utf8) else { return }
        let certificates = core.certificates()
        Task.detached { try? await certificates.setTrustListKey(key: key) }
    }
}

enum UIDeviceName {
    /// "iPhone", as the session list shows it; iOS hides the user-given name from apps.
    static var current: String {
        #if targetEnvironment(simulator)
        return "iOS Simulator"
        #else
        return "iPhone"
        #endif
    }
}
