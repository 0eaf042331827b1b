import BoxofficeDomain
import BoxofficeStorage
import Foundation
import Logging
import PostgresNIO

/// The idempotency keys every PostgreSQL service schema has: one row per owner and key, with the request's
/// fingerprint and, once answered, the answer.
enum PostgresIdempotencyKeys {
    /// The statements that create the table.
    static let schema = [
        """
        CREATE TABLE idempotency_keys (
            owner TEXT NOT NULL, key TEXT NOT NULL, fingerprint TEXT NOT NULL, claimed_at TIMESTAMPTZ NOT NULL,
            status INTEGER, content_type TEXT, location TEXT, body TEXT, answered_at TIMESTAMPTZ,
            PRIMARY KEY (owner, key))
        """,
        "CREATE INDEX idempotency_keys_claimed ON idempotency_keys(claimed_at)",
    ]

    /// Claims carry their own id (and `claimed_at` is renewed while the request runs).
    static let claimIDs = ["ALTER TABLE idempotency_keys ADD COLUMN claim TEXT"]

    /// A keyed write records what it made (a booking's id) in its own transaction (``IdempotencyClaim/effectCommitted(_:)``).
    static let effects = ["ALTER TABLE idempotency_keys ADD COLUMN effect TEXT"]

    static func claim(
        _ key: String, owner: String, fingerprint: String, claim: UUID, at: Date, staleBefore: Date, client: PostgresClient, logger: Logger
    ) async throws -> IdempotencyClaim {
        // New, or unanswered and stale (its process died, or it was given up): this request takes it; one whose write
        // committed only for the same request. A concurrent claim of the same key waits on the row's lock, then finds
        // it taken.
        let taken = try await client.query(
            """
            INSERT INTO idempotency_keys (owner, key, fingerprint, claimed_at, claim) VALUES (\(owner), \(key), \(fingerprint), \(at), \(claim.uuidString))
            ON CONFLICT (owner, key) DO UPDATE SET fingerprint = excluded.fingerprint, claimed_at = excluded.claimed_at, claim = excluded.claim
            WHERE idempotency_keys.status IS NULL AND (idempotency_keys.claimed_at < \(staleBefore) OR idempotency_keys.claim IS NULL)
                AND (idempotency_keys.effect IS NULL OR idempotency_keys.fingerprint = excluded.fingerprint)
            RETURNING effect
            """,
            logger: logger
        )
        for try await effect in taken.decode(String?.self) { return effect.map(IdempotencyClaim.effectCommitted) ?? .fresh }
        let rows = try await client.query(
            "SELECT fingerprint, status, content_type, location, body FROM idempotency_keys WHERE owner = \(owner) AND key = \(key)", logger: logger
        )
        for try await (stored, status, contentType, location, body) in rows.decode((String, Int?, String?, String?, String?).self) {
            guard stored == fingerprint else { return .differentRequest }
            guard let status else { return .running }
            return .replay(RecordedAnswer(status: status, contentType: contentType, location: location, body: Array((body ?? "").utf8)))
        }
        return .running
    }

    static func renew(_ key: String, owner: String, claim: UUID, at: Date, client: PostgresClient, logger: Logger) async throws {
        try await client.query(
            "UPDATE idempotency_keys SET claimed_at = \(at) WHERE owner = \(owner) AND key = \(key) AND claim = \(claim.uuidString) AND status IS NULL",
            logger: logger
        )
    }

    static func record(_ answer: RecordedAnswer, key: String, owner: String, claim: UUID, at: Date, client: PostgresClient, logger: Logger) async throws {
        try await client.query(
            """
            UPDATE idempotency_keys SET status = \(answer.status), content_type = \(answer.contentType), location = \(answer.location),
                body = \(String(decoding: answer.body, as: UTF8.self)), answered_at = \(at)
            WHERE owner = \(owner) AND key = \(key) AND claim = \(claim.uuidString)
            """,
            logger: logger
        )
    }

    static func release(_ key: String, owner: String, claim: UUID, client: PostgresClient, logger: Logger) async throws {
        // The claim goes first: should the request's write still be running, this waits for it, and its effect stays
        // for a retry to take over at once; a write not yet at the key finds the claim gone and writes nothing. Then
        // the row goes unless an effect was recorded. Two statements, so the second sees the first's result.
        try await client.query(
            "UPDATE idempotency_keys SET claim = NULL WHERE owner = \(owner) AND key = \(key) AND claim = \(claim.uuidString) AND status IS NULL",
            logger: logger
        )
        try await client.query(
            "DELETE FROM idempotency_keys WHERE owner = \(owner) AND key = \(key) AND claim IS NULL AND status IS NULL AND effect IS NULL", logger: logger
        )
    }
}

extension PostgresServiceStore {
    public func claimIdempotencyKey(_ key: String, owner: String, fingerprint: String, claim: UUID, at: Date, staleBefore: Date) async throws -> IdempotencyClaim {
        try await Deadline.run(within: timeout) { [client, logger] in
            try await PostgresIdempotencyKeys.claim(
                key, owner: owner, fingerprint: fingerprint, claim: claim, at: at, staleBefore: staleBefore, client: client, logger: logger
            )
        }
    }

    public func renewIdempotencyClaim(_ key: String, owner: String, claim: UUID, at: Date) async throws {
        try await Deadline.run(within: timeout) { [client, logger] in
            try await PostgresIdempotencyKeys.renew(key, owner: owner, claim: claim, at: at, client: client, logger: logger)
        }
    }

    public func recordIdempotentAnswer(_ answer: RecordedAnswer, key: String, owner: String, claim: UUID, at: Date) async throws {
        try await Deadline.run(within: timeout) { [client, logger] in
            try await PostgresIdempotencyKeys.record(answer, key: key, owner: owner, claim: claim, at: at, client: client, logger: logger)
        }
    }

    public func releaseIdempotencyKey(_ key: String, owner: String, claim: UUID) async throws {
        try await Deadline.run(within: timeout) { [client, logger] in
            try await PostgresIdempotencyKeys.release(key, owner: owner, claim: claim, client: client, logger: logger)
        }
    }
}

extension PostgresInventoryTransaction {
    public func recordKeyEffects(_ effects: [KeyEffect]) async throws -> Set<KeyClaim> {
        var recorded = Set<KeyClaim>()
        for (claim, booking) in effects {
            let rows = try await connection.query(
                """
                UPDATE idempotency_keys SET effect = \(booking.description)
                WHERE owner = \(claim.owner) AND key = \(claim.key) AND claim = \(claim.claim.uuidString) AND status IS NULL AND effect IS NULL
                RETURNING owner
                """,
                logger: logger
            )
            for try await _ in rows.decode(String.self) { recorded.insert(claim) }
        }
        return recorded
    }

    public func clearKeyEffects(_ claims: [KeyClaim]) async throws {
        for claim in claims {
            try await connection.query(
                "UPDATE idempotency_keys SET effect = NULL WHERE owner = \(claim.owner) AND key = \(claim.key) AND claim = \(claim.claim.uuidString)",
                logger: logger
            )
        }
    }
}
