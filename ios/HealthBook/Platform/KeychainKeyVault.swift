import Foundation
import HealthBookCore
import Security

/// The offline store's data keys, each a Keychain item under the name the core gives it.
/// The Keychain encrypts items with keys bound to this device's Secure Enclave;
/// `AfterFirstUnlockThisDeviceOnly` keeps them out of backups and off other devices, and
/// readable in the background once the phone has been unlocked since it started.
final class KeychainKeyVault: KeyVault, @unchecked Sendable {
    private let service = "vn.healthbook.store-keys"

    func load(name: String) throws -> Data? {
        var query = query(name)
        query[kSecReturnData as String] = true
        query[kSecMatchLimit as String] = kSecMatchLimitOne
        var item: CFTypeRef?
        let status = SecItemCopyMatching(query as CFDictionary, &item)
        switch status {
        case errSecSuccess:
            guard let data = item as? Data else { throw unavailable(errSecDecode) }
            return data
        case errSecItemNotFound:
            return nil
        default:
            // errSecInteractionNotAllowed before the first unlock, among others: the key is
            // there but cannot be read now, which is not the same as gone.
            throw unavailable(status)
        }
    }

    func save(name: String, key: Data) throws {
        let deleted = SecItemDelete(query(name) as CFDictionary)
        guard deleted == errSecSuccess || deleted == errSecItemNotFound else { throw unavailable(deleted) }
        var item = query(name)
        item[kSecValueData as String] = key
        item[kSecAttrAccessible as String] = kSecAttrAccessibleAfterFirstUnlockThisDeviceOnly
        let status = SecItemAdd(item as CFDictionary, nil)
        guard status == errSecSuccess else { throw unavailable(status) }
    }

    func forget(name: String) throws {
        let status = SecItemDelete(query(name) as CFDictionary)
        guard status == errSecSuccess || status == errSecItemNotFound else { throw unavailable(status) }
    }

    /// Forgets every store key. Keychain items outlive the app's deletion, so a fresh
    /// install calls this before its first store: keys of a store that no longer exists
    /// would otherwise stay on the phone for good.
    func forgetAll() {
        SecItemDelete([
            kSecClass as String: kSecClassGenericPassword,
            kSecAttrService as String: service,
        ] as CFDictionary)
    }

    private func query(_ name: String) -> [String: Any] {
        [
            kSecClass as String: kSecClassGenericPassword,
            kSecAttrService as String: service,
            kSecAttrAccount as String: name,
            kSecAttrSynchronizable as String: false,
        ]
    }

    private func unavailable(_ status: OSStatus) -> KeyVaultError {
        let message = SecCopyErrorMessageString(status, nil) as String? ?? "OSStatus \(status)"
        return KeyVaultError.Unavailable(detail: message)
    }
}
