import Foundation

/// The session as the Keychain keeps it. Written by hand beside the generated record so the
/// app's token store can encode it without knowing the record's layout.
extension SessionGrant: Codable {
    private enum Keys: String, CodingKey {
        case token, sessionId, accountId, assurance, expiresAt
    }

    public init(from decoder: Decoder) throws {
        let values = try decoder.container(keyedBy: Keys.self)
        let assurance: Assurance
        switch try values.decode(String.self, forKey: .assurance) {
        case "passkey": assurance = .passkey
        case "enrolment": assurance = .enrolment
        default: assurance = .basic
        }
        self.init(
            token: try values.decode(String.self, forKey: .token),
            sessionId: try values.decode(UUID.self, forKey: .sessionId),
            accountId: try values.decode(UUID.self, forKey: .accountId),
            assurance: assurance,
            expiresAt: try values.decode(Date.self, forKey: .expiresAt)
        )
    }

    public func encode(to encoder: Encoder) throws {
        var values = encoder.container(keyedBy: Keys.self)
        try values.encode(token, forKey: .token)
        try values.encode(sessionId, forKey: .sessionId)
        try values.encode(accountId, forKey: .accountId)
        let name: String
        switch assurance {
        case .basic: name = "basic"
        case .passkey: name = "passkey"
        case .enrolment: name = "enrolment"
        }
        try values.encode(name, forKey: .assurance)
        try values.encode(expiresAt, forKey: .expiresAt)
    }
}
