import BoxofficeDomain
import Foundation
import PostgresNIO

extension PostgresBookingStore: IdentityStore {
    /// The tables of identities and their sessions.
    static let identityTables = [
        """
        CREATE TABLE identities (
            id UUID PRIMARY KEY, email TEXT UNIQUE, password_hash TEXT, role TEXT NOT NULL, created_at TIMESTAMPTZ NOT NULL)
        """,
        """
        CREATE TABLE sessions (
            id UUID PRIMARY KEY, identity_id UUID NOT NULL REFERENCES identities(id), secret_hash TEXT NOT NULL,
            created_at TIMESTAMPTZ NOT NULL, expires_at TIMESTAMPTZ NOT NULL, revoked_at TIMESTAMPTZ)
        """,
    ]

    public func createIdentity(_ identity: Identity, passwordHash: String, at: Date) async throws {
        let inserted = try await Deadline.run(within: timeout) { [self] in
            var inserted = false
            for try await _ in try await client.query(
                """
                INSERT INTO identities (id, email, password_hash, role, created_at)
                VALUES (\(identity.id), \(identity.email), \(passwordHash), \(identity.role.rawValue), \(at))
                ON CONFLICT DO NOTHING RETURNING id
                """,
                logger: logger
            ).decode(UUID.self) {
                inserted = true
            }
            return inserted
        }
        guard inserted else { throw DomainError.emailTaken(identity.email ?? "") }
    }

    public func identity(email: String) async throws -> (Identity, passwordHash: String)? {
        try await Deadline.run(within: timeout) { [self] in
            for try await (id, email, hash, role) in try await client.query(
                "SELECT id, email, password_hash, role FROM identities WHERE email = \(email)", logger: logger
            ).decode((UUID, String, String, String).self) {
                return (Identity(id: id, email: email, role: Identity.Role(rawValue: role) ?? .customer), hash)
            }
            return nil
        }
    }

    public func identity(id: UUID) async throws -> Identity? {
        try await Deadline.run(within: timeout) { [self] in
            for try await (id, email, role) in try await client.query(
                "SELECT id, email, role FROM identities WHERE id = \(id)", logger: logger
            ).decode((UUID, String?, String).self) {
                return Identity(id: id, email: email, role: Identity.Role(rawValue: role) ?? .customer)
            }
            return nil
        }
    }

    public func setRole(_ role: Identity.Role, email: String) async throws -> Bool {
        try await Deadline.run(within: timeout) { [self] in
            var changed = false
            for try await _ in try await client.query(
                "UPDATE identities SET role = \(role.rawValue) WHERE email = \(email) RETURNING id", logger: logger
            ).decode(UUID.self) {
                changed = true
            }
            return changed
        }
    }

    public func createSession(_ session: Session, at: Date) async throws {
        try await Deadline.run(within: timeout) { [self] in
            try await client.query(
                """
                INSERT INTO sessions (id, identity_id, secret_hash, created_at, expires_at)
                VALUES (\(session.id), \(session.identity), \(session.secretHash), \(at), \(session.expiresAt))
                """,
                logger: logger
            )
        }
    }

    public func session(_ id: UUID) async throws -> Session? {
        try await Deadline.run(within: timeout) { [self] in
            for try await (id, identity, hash, expires, revoked) in try await client.query(
                "SELECT id, identity_id, secret_hash, expires_at, revoked_at FROM sessions WHERE id = \(id)", logger: logger
            ).decode((UUID, UUID, String, Date, Date?).self) {
                return Session(id: id, identity: identity, secretHash: hash, expiresAt: expires, revokedAt: revoked)
            }
            return nil
        }
    }

    public func revokeSession(_ id: UUID, at: Date) async throws -> Bool {
        try await Deadline.run(within: timeout) { [self] in
            var revoked = false
            for try await _ in try await client.query(
                "UPDATE sessions SET revoked_at = \(at) WHERE id = \(id) AND revoked_at IS NULL RETURNING id", logger: logger
            ).decode(UUID.self) {
                revoked = true
            }
            return revoked
        }
    }
}
