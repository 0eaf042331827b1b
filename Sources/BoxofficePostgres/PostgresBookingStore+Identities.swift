import BoxofficeDomain
import BoxofficeMessaging
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

    /// The table of access tokens revoked before their expiry.
    static let revocationTable = [
        """
        CREATE TABLE token_revocations (
            kind TEXT NOT NULL, subject UUID NOT NULL, revoked_at TIMESTAMPTZ NOT NULL, until TIMESTAMPTZ NOT NULL,
            PRIMARY KEY (kind, subject))
        """,
        "CREATE INDEX token_revocations_revoked ON token_revocations(revoked_at)",
    ]

    public func createIdentity(_ identity: Identity, passwordHash: String, at: Date, revoking: TokenRevocation?) async throws {
        let inserted = try await Deadline.run(within: timeout) { [self] in
            try await client.withTransaction(logger: logger) { connection in
                var inserted = false
                for try await _ in try await connection.query(
                    """
                    INSERT INTO identities (id, email, password_hash, role, created_at)
                    VALUES (\(identity.id), \(identity.email), \(passwordHash), \(identity.role.rawValue), \(at))
                    ON CONFLICT DO NOTHING RETURNING id
                    """,
                    logger: logger
                ).decode(UUID.self) {
                    inserted = true
                }
                if inserted, let revoking { try await record(revoking, at: at, connection: connection) }
                return inserted
            }
        }
        guard inserted else { throw DomainError.emailTaken(identity.email ?? "") }
        if revoking != nil { outboxWakeup.ring() }
    }

    public func tokenRevocations(since: Date, now: Date) async throws -> [TokenRevocation] {
        try await Deadline.run(within: timeout) { [client, logger] in
            try await PostgresRevocationRows.revocations(
                "SELECT kind, subject, until FROM token_revocations WHERE revoked_at >= \(since) AND until > \(now)", client: client, logger: logger
            )
        }
    }

    /// Records a revocation and its `tokens.revoked` message, and forgets the revocations whose tokens have expired.
    private func record(_ revocation: TokenRevocation, at: Date, connection: PostgresConnection) async throws {
        try await connection.query(
            """
            INSERT INTO token_revocations (kind, subject, revoked_at, until)
            VALUES (\(revocation.kind.rawValue), \(revocation.subject), \(at), \(revocation.until))
            ON CONFLICT (kind, subject) DO UPDATE SET revoked_at = excluded.revoked_at, until = GREATEST(token_revocations.until, excluded.until)
            """,
            logger: logger
        )
        try await connection.query("DELETE FROM token_revocations WHERE until < \(at)", logger: logger)
        let message = try Message(TokensRevoked(kind: revocation.kind.rawValue, subject: revocation.subject, until: revocation.until), at: at)
        try await PostgresMessageTables.append([message], connection: connection, logger: logger)
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

    public func revokeSession(_ id: UUID, at: Date, revoking: TokenRevocation) async throws -> Bool {
        let revoked = try await Deadline.run(within: timeout) { [self] in
            try await client.withTransaction(logger: logger) { connection in
                var revoked = false
                for try await _ in try await connection.query(
                    "UPDATE sessions SET revoked_at = \(at) WHERE id = \(id) AND revoked_at IS NULL RETURNING id", logger: logger
                ).decode(UUID.self) {
                    revoked = true
                }
                if revoked { try await record(revoking, at: at, connection: connection) }
                return revoked
            }
        }
        if revoked { outboxWakeup.ring() }
        return revoked
    }
}
