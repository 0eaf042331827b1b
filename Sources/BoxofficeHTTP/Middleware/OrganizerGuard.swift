import Foundation
import Hummingbird

/// Checks `Authorization: Bearer <token>` against the configured organizer token.
public struct OrganizerGuard: Sendable {
    private let token: String

    /// Creates a guard for a token.
    public init(token: String) {
        self.token = token
    }

    /// Lets an organizer's request through.
    /// - Throws: ``Problem`` 401 without a bearer token, 403 with a wrong one.
    public func authorize(_ request: Request) throws {
        guard let header = request.headers[.authorization], header.lowercased().hasPrefix("bearer ") else {
            throw Problem(
                .unauthorized, type: "unauthorized", detail: "This action needs the organizer token: send Authorization: Bearer <token>.",
                headers: [.wwwAuthenticate: "Bearer"]
            )
        }
        let given = header.dropFirst("bearer ".count).trimmingCharacters(in: .whitespaces)
        guard Self.constantTimeEqual(Array(given.utf8), Array(token.utf8)) else {
            throw Problem(.forbidden, type: "forbidden", detail: "The bearer token is not the organizer token.")
        }
    }

    private static func constantTimeEqual(_ lhs: [UInt8], _ rhs: [UInt8]) -> Bool {
        guard lhs.count == rhs.count else { return false }
        var difference: UInt8 = 0
        for (left, right) in zip(lhs, rhs) { difference |= left ^ right }
        return difference == 0
    }
}
