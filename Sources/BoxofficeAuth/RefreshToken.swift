import BoxofficeDomain
import Crypto
import Foundation

/// A refresh token: `SESSION.SECRET`, the session's id and 32 random bytes. Only the secret's SHA-256 is stored,
/// so a copy of the database signs nobody in.
public struct RefreshToken: Sendable, Equatable {
    /// The session it names.
    public let session: UUID
    /// The secret, base64url.
    public let secret: String

    /// A new token for a new session.
    public static func make() -> RefreshToken {
        var bytes = [UInt8](repeating: 0, count: 32)
        var generator = SystemRandomNumberGenerator()
        for index in bytes.indices { bytes[index] = UInt8.random(in: .min ... .max, using: &generator) }
        return RefreshToken(session: UUID(), secret: Base64URL.encode(bytes))
    }

    /// Reads a token a client sent; nil when it is not one.
    public init?(_ text: String) {
        let parts = text.split(separator: ".")
        guard text.utf8.count <= 128, parts.count == 2, let session = UUID(uuidString: String(parts[0])), parts[1].utf8.count == 43 else { return nil }
        self.init(session: session, secret: String(parts[1]))
    }

    private init(session: UUID, secret: String) {
        self.session = session
        self.secret = secret
    }

    /// The text the client keeps.
    public var text: String { "\(session.uuidString.lowercased()).\(secret)" }

    /// What the store keeps of the secret.
    public var secretHash: String {
        SHA256.hash(data: Data(secret.utf8)).map { String(format: "%02x", $0) }.joined()
    }
}
