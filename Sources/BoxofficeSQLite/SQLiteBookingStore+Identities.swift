import BoxofficeDomain
import BoxofficeMessaging
import Foundation
import SQLiteNIO

extension SQLiteBookingStore: IdentityStore {
    /// The tables of identities and their sessions.
    static let identityTables = [
        """
        CREATE TABLE identities (
            id TEXT PRIMARY KEY, email TEXT UNIQUE, password_hash TEXT, role TEXT NOT NULL, created_at INTEGER NOT NULL)
        """,
        """
        CREATE TABLE sessions (
            id TEXT PRIMARY KEY, identity_id TEXT NOT NULL REFERENCES identities(id), secret_hash TEXT NOT NULL,
            created_at INTEGER NOT NULL, expires_at INTEGER NOT NULL, revoked_at INTEGER)
        """,
    ]

    /// The table of access tokens revoked before their expiry.
    static let revocationTable = [
        """
        CREATE TABLE token_revocations (
            kind TEXT NOT NULL, subject TEXT NOT NULL, revoked_at INTEGER NOT NULL, until INTEGER NOT NULL,
            PRIMARY KEY (kind, subject))
        """,
        "CREATE INDEX token_revocations_revoked ON token_revocations(revoked_at)",
    ]

    public func createIdentity(_ identity: Identity, passwordHash: String, at: Date, revoking: TokenRevocation?) async throws {
        let rows = try await database.write { connection in
            let rows = try await connection.query(
                "INSERT INTO identities (id, email, password_hash, role, created_at) VALUES (?, ?, ?, ?, ?) ON CONFLICT DO NOTHING RETURNING id",
                [.text(identity.owner), identity.email.map { .text($0) } ?? .null, .text(passwordHash), .text(identity.role.rawValue), ColumnCoding.millis(at)]
            )
            if !rows.isEmpty, let revoking { try await Self.record(revoking, at: at, connection: connection) }
            return rows
        }
        guard !rows.isEmpty else { throw DomainError.emailTaken(identity.email ?? "") }
        if revoking != nil { outboxWakeup.ring() }
    }

    public func tokenRevocations(since: Date, now: Date) async throws -> [TokenRevocation] {
        try await database.read(
            "SELECT kind, subject, until FROM token_revocations WHERE revoked_at >= ? AND until > ?", [ColumnCoding.millis(since), ColumnCoding.millis(now)]
        ).compactMap(SQLiteRevocationRows.revocation)
    }

    /// Records a revocation and its `tokens.revoked` message, and forgets the revocations whose tokens have expired.
    private static func record(_ revocation: TokenRevocation, at: Date, connection: SQLiteConnection) async throws {
        _ = try await connection.query(
            """
            INSERT INTO token_revocations (kind, subject, revoked_at, until) VALUES (?, ?, ?, ?)
            ON CONFLICT (kind, subject) DO UPDATE SET revoked_at = excluded.revoked_at, until = MAX(token_revocations.until, excluded.until)
            """,
            [.text(revocation.kind.rawValue), .text(revocation.subject.uuidString.lowercased()), ColumnCoding.millis(at), ColumnCoding.millis(revocation.until)]
        )
        _ = try await connection.query("DELETE FROM token_revocations WHERE until < ?", [ColumnCoding.millis(at)])
        let message = try Message(TokensRevoked(kind: revocation.kind.rawValue, subject: revocation.subject, until: revocation.until), at: at)
        try await SQLiteMessageTables.append([message], connection: connection)
    }

    public func identity(email: String) async throws -> (Identity, passwordHash: String)? {
        guard let row = try await database.read("SELECT id, email, password_hash, role FROM identities WHERE email = ?", [.text(email)]).first,
            let identity = Self.identity(from: row), let hash = row.column("password_hash")?.string
        else { return nil }
        return (identity, hash)
    }

    public func identity(id: UUID) async throws -> Identity? {
        try await database.read("SELECT id, email, role FROM identities WHERE id = ?", [.text(id.uuidString.lowercased())]).first.flatMap(Self.identity(from:))
    }

    public func setRole(_ role: Identity.Role, email: String) async throws -> Bool {
        let rows = try await database.write { connection in
            try await connection.query("UPDATE identities SET role = ? WHERE email = ? RETURNING id", [.text(role.rawValue), .text(email)])
        }
        return !rows.isEmpty
    }

    public func createSession(_ session: Session, at: Date) async throws {
        _ = try await database.write { connection in
            try await connection.query(
                "INSERT INTO sessions (id, identity_id, secret_hash, created_at, expires_at) VALUES (?, ?, ?, ?, ?)",
                [
                    .text(session.id.uuidString.lowercased()), .text(session.identity.uuidString.lowercased()), .text(session.secretHash),
                    ColumnCoding.millis(at), ColumnCoding.millis(session.expiresAt),
                ]
            )
        }
    }

    public func session(_ id: UUID) async throws -> Session? {
        guard let row = try await database.read(
            "SELECT id, identity_id, secret_hash, expires_at, revoked_at FROM sessions WHERE id = ?", [.text(id.uuidString.lowercased())]
        ).first,
            let identity = row.column("identity_id")?.string.flatMap(UUID.init(uuidString:)), let hash = row.column("secret_hash")?.string
        else { return nil }
        let revoked = row.column("revoked_at").flatMap { $0.isNull ? nil : ColumnCoding.date($0) }
        return Session(id: id, identity: identity, secretHash: hash, expiresAt: ColumnCoding.date(row.column("expires_at")), revokedAt: revoked)
    }

    public func revokeSession(_ id: UUID, at: Date, revoking: TokenRevocation) async throws -> Bool {
        let rows = try await database.write { connection in
            let rows = try await connection.query(
                "UPDATE sessions SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL RETURNING id", [ColumnCoding.millis(at), .text(id.uuidString.lowercased())]
            )
            if !rows.isEmpty { try await Self.record(revoking, at: at, connection: connection) }
            return rows
        }
        if !rows.isEmpty { outboxWakeup.ring() }
        return !rows.isEmpty
    }

    private static func identity(from row: SQLiteRow) -> Identity? {
        guard let id = row.column("id")?.string.flatMap(UUID.init(uuidString:)), let role = row.column("role")?.string.flatMap(Identity.Role.init(rawValue:)) else {
            return nil
        }
        return Identity(id: id, email: row.column("email")?.string, role: role)
    }
}
