import Foundation
import Logging

/// Finds the organizer token: configured, else stored in the data directory, else generated, stored and printed once.
enum OrganizerToken {
    static let fileName = "organizer-token"

    static func resolve(configured: String?, dataDirectory: URL, logger: Logger) throws -> String {
        if let configured { return configured }
        let file = dataDirectory.appendingPathComponent(fileName)
        if let stored = try? String(contentsOf: file, encoding: .utf8).trimmingCharacters(in: .whitespacesAndNewlines), !stored.isEmpty {
            return stored
        }
        var generator = SystemRandomNumberGenerator()
        let token = (0 ..< 32).map { _ in String(format: "%02x", UInt8.random(in: .min ... .max, using: &generator)) }.joined()
        guard FileManager.default.createFile(atPath: file.path, contents: Data((token + "\n").utf8), attributes: [.posixPermissions: 0o600]) else {
            throw ConfigurationError("Could not store the organizer token in \(file.path).")
        }
        logger.notice("generated the organizer token (stored in \(file.path)): \(token)")
        return token
    }
}
