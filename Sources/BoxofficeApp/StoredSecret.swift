import Foundation
import Logging

/// Secrets a process generates on first start when none is configured, stored in the data directory (mode 0600)
/// and never logged: the organizer's bootstrap token and the key access tokens are signed with.
enum StoredSecret {
    /// The organizer token's file.
    static let organizerToken = "organizer-token"
    /// The token-signing key's file.
    static let authSecret = "auth-secret"

    /// The configured value, else the stored one, else a new random one (32 bytes, hex) stored now.
    static func resolve(_ name: String, configured: String?, dataDirectory: URL, logger: Logger) throws -> String {
        if let configured { return configured }
        let file = dataDirectory.appendingPathComponent(name)
        if let stored = try? String(contentsOf: file, encoding: .utf8).trimmingCharacters(in: .whitespacesAndNewlines), !stored.isEmpty {
            return stored
        }
        var generator = SystemRandomNumberGenerator()
        let secret = (0 ..< 32).map { _ in String(format: "%02x", UInt8.random(in: .min ... .max, using: &generator)) }.joined()
        guard FileManager.default.createFile(atPath: file.path, contents: Data((secret + "\n").utf8), attributes: [.posixPermissions: 0o600]) else {
            throw ConfigurationError("Could not store the \(name) in \(file.path).")
        }
        logger.notice("generated the \(name) and stored it in \(file.path) (mode 0600)")
        return secret
    }
}
