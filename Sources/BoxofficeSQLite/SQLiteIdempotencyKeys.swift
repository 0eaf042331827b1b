import BoxofficeDomain
import BoxofficeStorage
import Foundation
import SQLiteNIO

/// The idempotency keys every SQLite service database has: one row per owner and key, with the request's
/// fingerprint and, once answered, the answer.
enum SQLiteIdempotencyKeys {
    /// The statements that create the table.
    static let schema = [
        """
        CREATE TABLE idempotency_keys (
            owner TEXT NOT NULL, key TEXT NOT NULL, fingerprint TEXT NOT NULL, claimed_at INTEGER NOT NULL,
            status INTEGER, content_type TEXT, location TEXT, body TEXT, answered_at INTEGER,
            PRIMARY KEY (owner, key))
        """,
        "CREATE INDEX idempotency_keys_claimed ON idempotency_keys(claimed_at)",
    ]

    /// Claims carry their own id (and `claimed_at` is renewed while the request runs).
    static let claimIDs = ["ALTER TABLE idempotency_keys ADD COLUMN claim TEXT"]

    /// A keyed write records what it made (a booking's id) in its own transaction (``IdempotencyClaim/effectCommitted(_:)``).
    static let effects = ["ALTER TABLE idempotency_keys ADD COLUMN effect TEXT"]
}

extension SQLiteServiceStore {
    public func claimIdempotencyKey(_ key: String, owner: String, fingerprint: String, claim: UUID, at: Date, staleBefore: Date) async throws -> IdempotencyClaim {
        try await database.write { connection in
            // New, or unanswered and stale (its process died, or it was given up): this request takes it; one whose
            // write committed only for the same request.
            let taken = try await connection.query(
                """
                INSERT INTO idempotency_keys (owner, key, fingerprint, claimed_at, claim) VALUES (?, ?, ?, ?, ?)
                ON CONFLICT (owner, key) DO UPDATE SET fingerprint = excluded.fingerprint, claimed_at = excluded.claimed_at, claim = excluded.claim
                WHERE idempotency_keys.status IS NULL AND (idempotency_keys.claimed_at < ? OR idempotency_keys.claim IS NULL)
                    AND (idempotency_keys.effect IS NULL OR idempotency_keys.fingerprint = excluded.fingerprint)
                RETURNING effect
                """,
                [.text(owner), .text(key), .text(fingerprint), ColumnCoding.millis(at), .text(claim.uuidString), ColumnCoding.millis(staleBefore)]
            )
            if let row = taken.first { return row.column("effect")?.string.map(IdempotencyClaim.effectCommitted) ?? .fresh }
            let rows = try await connection.query(
                "SELECT fingerprint, status, content_type, location, body FROM idempotency_keys WHERE owner = ? AND key = ?", [.text(owner), .text(key)]
            )
            guard let row = rows.first else { return .running }
            guard row.column("fingerprint")?.string == fingerprint else { return .differentRequest }
            guard let status = row.column("status")?.integer else { return .running }
            return .replay(
                RecordedAnswer(
                    status: status, contentType: row.column("content_type")?.string, location: row.column("location")?.string,
                    body: Array((row.column("body")?.string ?? "").utf8)
                )
            )
        }
    }

    public func renewIdempotencyClaim(_ key: String, owner: String, claim: UUID, at: Date) async throws {
        _ = try await database.write { connection in
            try await connection.query(
                "UPDATE idempotency_keys SET claimed_at = ? WHERE owner = ? AND key = ? AND claim = ? AND status IS NULL",
                [ColumnCoding.millis(at), .text(owner), .text(key), .text(claim.uuidString)]
            )
        }
    }

    public func recordIdempotentAnswer(_ answer: RecordedAnswer, key: String, owner: String, claim: UUID, at: Date) async throws {
        _ = try await database.write { connection in
            try await connection.query(
                "UPDATE idempotency_keys SET status = ?, content_type = ?, location = ?, body = ?, answered_at = ? WHERE owner = ? AND key = ? AND claim = ?",
                [
                    ColumnCoding.int(answer.status), answer.contentType.map { .text($0) } ?? .null, answer.location.map { .text($0) } ?? .null,
                    .text(String(decoding: answer.body, as: UTF8.self)), ColumnCoding.millis(at), .text(owner), .text(key), .text(claim.uuidString),
                ]
            )
        }
    }

    public func releaseIdempotencyKey(_ key: String, owner: String, claim: UUID) async throws {
        _ = try await database.write { connection in
            // The claim goes, and then the row unless the request's write recorded an effect, which stays for a retry
            // to take over at once (as PostgreSQL does it).
            _ = try await connection.query(
                "UPDATE idempotency_keys SET claim = NULL WHERE owner = ? AND key = ? AND claim = ? AND status IS NULL",
                [.text(owner), .text(key), .text(claim.uuidString)]
            )
            return try await connection.query(
                "DELETE FROM idempotency_keys WHERE owner = ? AND key = ? AND claim IS NULL AND status IS NULL AND effect IS NULL",
                [.text(owner), .text(key)]
            )
        }
    }
}

extension SQLiteInventoryTransaction {
    public func recordKeyEffects(_ effects: [KeyEffect]) async throws -> Set<KeyClaim> {
        var recorded = Set<KeyClaim>()
        for (claim, booking) in effects {
            let rows = try await connection.query(
                """
                UPDATE idempotency_keys SET effect = ?
                WHERE owner = ? AND key = ? AND claim = ? AND status IS NULL AND effect IS NULL
                RETURNING owner
                """,
                [.text(booking.description), .text(claim.owner), .text(claim.key), .text(claim.claim.uuidString)]
            )
            if !rows.isEmpty { recorded.insert(claim) }
        }
        return recorded
    }

    public func clearKeyEffects(_ claims: [KeyClaim]) async throws {
        for claim in claims {
            _ = try await connection.query(
                "UPDATE idempotency_keys SET effect = NULL WHERE owner = ? AND key = ? AND claim = ?",
                [.text(claim.owner), .text(claim.key), .text(claim.claim.uuidString)]
            )
        }
    }
}
