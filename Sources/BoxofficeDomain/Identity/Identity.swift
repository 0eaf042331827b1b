import Foundation

/// Who a request acts for: a guest (no password, made on the spot), a customer (signed up), or an organizer.
public struct Identity: Sendable, Equatable {
    /// What an identity may do.
    public enum Role: String, Sendable, Codable, CaseIterable {
        /// Made without a password (`POST /api/auth/guest`, or an anonymous hold); signup can turn it into a customer.
        case guest
        /// Signed up with an email and a password.
        case customer
        /// Creates events and sees everyone's bookings; made by `boxoffice organizer add`.
        case organizer
    }

    /// The identity's id: the owner of its bookings and its wallet (`user_identifier`).
    public let id: UUID
    /// The email it signs in with; nil for a guest.
    public let email: String?
    /// What it may do.
    public let role: Role

    /// Creates an identity.
    public init(id: UUID, email: String?, role: Role) {
        self.id = id
        self.email = email
        self.role = role
    }

    /// The owner name its bookings and wallet carry.
    public var owner: String { id.uuidString.lowercased() }
}

/// A signed-in identity's session: what a refresh token names, until it expires or is logged out.
public struct Session: Sendable, Equatable {
    /// The session's id (the first part of its refresh token).
    public let id: UUID
    /// Whose session it is.
    public let identity: UUID
    /// The SHA-256 of the refresh token's secret part, hex.
    public let secretHash: String
    /// When it stops working.
    public let expiresAt: Date
    /// When it was logged out; nil while it works.
    public let revokedAt: Date?

    /// Creates a session.
    public init(id: UUID, identity: UUID, secretHash: String, expiresAt: Date, revokedAt: Date?) {
        self.id = id
        self.identity = identity
        self.secretHash = secretHash
        self.expiresAt = expiresAt
        self.revokedAt = revokedAt
    }
}

/// The accounts of the booking service: identities with their password hashes, and sessions.
///
/// SQLite and PostgreSQL implement it alike and pass the same suite.
public protocol IdentityStore: Sendable {
    /// Stores a new identity with an email and a password hash; an identity of that id (a guest signing up)
    /// keeps its id, so its bookings and wallet stay its own.
    /// - Parameter revoking: tokens the new identity ends (a guest's, when it signs up), recorded in the same
    ///   transaction, and told to the other services through the outbox (`tokens.revoked`).
    /// - Throws: ``DomainError/emailTaken(_:)`` when the email is another identity's.
    func createIdentity(_ identity: Identity, passwordHash: String, at: Date, revoking: TokenRevocation?) async throws
    /// The identity signing in with an email, with its password hash.
    func identity(email: String) async throws -> (Identity, passwordHash: String)?
    /// An identity by id; nil for a guest that never signed up.
    func identity(id: UUID) async throws -> Identity?
    /// Gives an identity a role (an organizer made by the command line).
    /// - Returns: false when no identity has that email.
    func setRole(_ role: Identity.Role, email: String) async throws -> Bool
    /// Stores a new session.
    func createSession(_ session: Session, at: Date) async throws
    /// A session by id.
    func session(_ id: UUID) async throws -> Session?
    /// Logs a session out, and revokes its access tokens in the same transaction (recorded, and told through the
    /// outbox as `tokens.revoked`).
    /// - Returns: false when it was already logged out, or does not exist.
    func revokeSession(_ id: UUID, at: Date, revoking: TokenRevocation) async throws -> Bool
    /// The revocations recorded at or after `since` whose tokens have not all expired at `now`.
    func tokenRevocations(since: Date, now: Date) async throws -> [TokenRevocation]
}
