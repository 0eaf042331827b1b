import BoxofficeDomain
import BoxofficeMessaging
import Foundation
import Logging
import PostgresNIO

/// The outbox, inbox and dead-letter tables every PostgreSQL service schema has, with the same shape.
enum PostgresMessageTables {
    /// The statements that create the tables.
    static let schema = [
        """
        CREATE TABLE outbox (
            id UUID PRIMARY KEY, type TEXT NOT NULL, payload TEXT NOT NULL,
            occurred_at TIMESTAMPTZ NOT NULL, sent_at TIMESTAMPTZ)
        """,
        "CREATE INDEX outbox_unsent ON outbox(occurred_at) WHERE sent_at IS NULL",
        "CREATE TABLE inbox (message_id UUID PRIMARY KEY, processed_at TIMESTAMPTZ NOT NULL DEFAULT now())",
        """
        CREATE TABLE dead_letters (
            message_id UUID NOT NULL, consumer TEXT NOT NULL, type TEXT NOT NULL, payload TEXT NOT NULL,
            error TEXT NOT NULL, failed_at TIMESTAMPTZ NOT NULL DEFAULT now(), PRIMARY KEY (message_id, consumer))
        """,
    ]

    /// Writes messages to the outbox, inside the caller's transaction.
    static func append(_ messages: [Message], connection: PostgresConnection, logger: Logger) async throws {
        guard !messages.isEmpty else { return }
        try await connection.runPrepared(
            AppendOutbox.self,
            try PostgresBindings(messages.map(\.id), messages.map(\.type), messages.map { String(decoding: $0.payload, as: UTF8.self) }, messages.map(\.occurredAt)),
            logger: logger
        )
    }

    private enum AppendOutbox: PreparedSQL {
        static let sql = "INSERT INTO outbox (id, type, payload, occurred_at) SELECT * FROM UNNEST($1::uuid[], $2::text[], $3::text[], $4::timestamptz[])"
    }

    /// Records message ids in the inbox; returns those that were new.
    static func record(_ ids: [UUID], connection: PostgresConnection, logger: Logger) async throws -> Set<UUID> {
        Set(try await connection.runPrepared(RecordInbox.self, try PostgresBindings(ids), logger: logger).map { try $0.decode(UUID.self) })
    }

    private enum RecordInbox: PreparedSQL {
        static let sql = "INSERT INTO inbox (message_id) SELECT * FROM UNNEST($1::uuid[]) ON CONFLICT DO NOTHING RETURNING message_id"
    }

    /// The statement that gives an outbox its claims (a later migration than the tables themselves).
    static let claims = "ALTER TABLE outbox ADD COLUMN claimed_until TIMESTAMPTZ"

    /// Claims the oldest unsent messages no relay holds; rows another transaction has locked are skipped.
    static func claim(limit: Int, lease: Duration, client: PostgresClient, logger: Logger) async throws -> [Message] {
        let seconds = Double(lease.components.seconds) + Double(lease.components.attoseconds) / 1e18
        let messages = try await client.runPrepared(ClaimOutbox.self, try PostgresBindings(seconds, limit), logger: logger).map { row in
            let (id, type, payload, at) = try row.decode((UUID, String, String, Date).self)
            return Message(id: id, type: type, payload: Data(payload.utf8), occurredAt: at)
        }
        return messages.sorted { $0.occurredAt < $1.occurredAt }
    }

    private enum ClaimOutbox: PreparedSQL {
        static let sql = """
            UPDATE outbox SET claimed_until = now() + make_interval(secs => $1::float8)
            WHERE id IN (
                SELECT id FROM outbox WHERE sent_at IS NULL AND (claimed_until IS NULL OR claimed_until < now())
                ORDER BY occurred_at LIMIT $2 FOR UPDATE SKIP LOCKED)
            RETURNING id, type, payload, occurred_at
            """
    }

    /// Gives back claims.
    static func release(_ ids: [UUID], client: PostgresClient, logger: Logger) async throws {
        guard !ids.isEmpty else { return }
        try await client.query("UPDATE outbox SET claimed_until = NULL WHERE id = ANY(\(ids))", logger: logger)
    }

    /// The oldest unsent messages.
    static func unsent(limit: Int, client: PostgresClient, logger: Logger) async throws -> [Message] {
        var messages: [Message] = []
        for try await (id, type, payload, at) in try await client.query(
            "SELECT id, type, payload, occurred_at FROM outbox WHERE sent_at IS NULL ORDER BY occurred_at LIMIT \(limit)", logger: logger
        ).decode((UUID, String, String, Date).self) {
            messages.append(Message(id: id, type: type, payload: Data(payload.utf8), occurredAt: at))
        }
        return messages
    }

    /// Marks messages sent.
    static func markSent(_ ids: [UUID], client: PostgresClient, logger: Logger) async throws {
        guard !ids.isEmpty else { return }
        try await client.runPrepared(MarkSent.self, try PostgresBindings(ids), logger: logger)
    }

    private enum MarkSent: PreparedSQL {
        static let sql = "UPDATE outbox SET sent_at = now(), claimed_until = NULL WHERE id = ANY($1::uuid[])"
    }

    /// Keeps a message that kept failing.
    static func recordDeadLetter(_ message: Message, consumer: String, error: String, client: PostgresClient, logger: Logger) async throws {
        try await client.query(
            """
            INSERT INTO dead_letters (message_id, consumer, type, payload, error)
            VALUES (\(message.id), \(consumer), \(message.type), \(String(decoding: message.payload, as: UTF8.self)), \(error)) ON CONFLICT DO NOTHING
            """,
            logger: logger
        )
    }
}

extension PostgresMessageTables {
    /// The indexes that let old rows be pruned without a full scan.
    static let retentionIndexes = [
        "CREATE INDEX inbox_processed ON inbox(processed_at)",
        "CREATE INDEX outbox_sent ON outbox(sent_at) WHERE sent_at IS NOT NULL",
        "CREATE INDEX dead_letters_failed ON dead_letters(failed_at)",
    ]

    /// Deletes inbox records, sent outbox rows, dead letters and idempotency keys older than their retention.
    static func prune(_ retention: MessageRetention, now: Date, client: PostgresClient, logger: Logger) async throws -> Int {
        var removed = 0
        for (sql, age) in [
            ("DELETE FROM inbox WHERE processed_at < $1", retention.inbox),
            ("DELETE FROM outbox WHERE sent_at < $1", retention.sentOutbox),
            ("DELETE FROM dead_letters WHERE failed_at < $1", retention.deadLetters),
            ("DELETE FROM idempotency_keys WHERE claimed_at < $1", retention.idempotencyKeys),
        ] {
            var binds = PostgresBindings()
            binds.append(now.addingTimeInterval(-age))
            for try await count in try await client.query(
                PostgresQuery(unsafeSQL: "WITH gone AS (\(sql) RETURNING 1) SELECT COUNT(*) FROM gone", binds: binds), logger: logger
            ).decode(Int.self) {
                removed += count
            }
        }
        return removed
    }

    /// The dead letters, oldest first.
    static func deadLetters(limit: Int, client: PostgresClient, logger: Logger) async throws -> [DeadLetter] {
        var letters: [DeadLetter] = []
        for try await (id, consumer, type, payload, error, at) in try await client.query(
            "SELECT message_id, consumer, type, payload, error, failed_at FROM dead_letters ORDER BY failed_at, message_id LIMIT \(limit)", logger: logger
        ).decode((UUID, String, String, String, String, Date).self) {
            letters.append(DeadLetter(message: Message(id: id, type: type, payload: Data(payload.utf8), occurredAt: at), consumer: consumer, error: error, failedAt: at))
        }
        return letters
    }

    /// Forgets a dead letter.
    static func removeDeadLetter(_ id: UUID, consumer: String, client: PostgresClient, logger: Logger) async throws {
        try await client.query("DELETE FROM dead_letters WHERE message_id = \(id) AND consumer = \(consumer)", logger: logger)
    }

    /// Puts a message back in the outbox, unsent.
    static func requeue(_ message: Message, client: PostgresClient, logger: Logger) async throws {
        try await client.query(
            """
            INSERT INTO outbox (id, type, payload, occurred_at) VALUES (\(message.id), \(message.type), \(String(decoding: message.payload, as: UTF8.self)), now())
            ON CONFLICT (id) DO UPDATE SET sent_at = NULL, claimed_until = NULL
            """,
            logger: logger
        )
    }
}

/// A service store on PostgreSQL whose outbox and dead letters are the standard message tables.
public protocol PostgresServiceStore: OutboxStore, DeadLetterStore, MessageArchive, IdempotencyStore {
    /// The store's client.
    var client: PostgresClient { get }
    /// The store's logger.
    var logger: Logger { get }
    /// How long one operation may take.
    var timeout: Duration { get }
}

extension PostgresServiceStore {
    public func unsentMessages(limit: Int) async throws -> [Message] {
        try await Deadline.run(within: timeout) { [client, logger] in try await PostgresMessageTables.unsent(limit: limit, client: client, logger: logger) }
    }

    public func claimUnsent(limit: Int, lease: Duration) async throws -> [Message] {
        try await Deadline.run(within: timeout) { [client, logger] in try await PostgresMessageTables.claim(limit: limit, lease: lease, client: client, logger: logger) }
    }

    public func markSent(_ ids: [UUID]) async throws {
        try await Deadline.run(within: timeout) { [client, logger] in try await PostgresMessageTables.markSent(ids, client: client, logger: logger) }
    }

    public func releaseClaims(_ ids: [UUID]) async throws {
        try await Deadline.run(within: timeout) { [client, logger] in try await PostgresMessageTables.release(ids, client: client, logger: logger) }
    }

    public func recordDeadLetter(_ message: Message, consumer: String, error: String) async throws {
        try await Deadline.run(within: timeout) { [client, logger] in
            try await PostgresMessageTables.recordDeadLetter(message, consumer: consumer, error: error, client: client, logger: logger)
        }
    }

    public func deadLetters(limit: Int) async throws -> [DeadLetter] {
        try await Deadline.run(within: timeout) { [client, logger] in try await PostgresMessageTables.deadLetters(limit: limit, client: client, logger: logger) }
    }

    public func removeDeadLetter(_ id: UUID, consumer: String) async throws {
        try await Deadline.run(within: timeout) { [client, logger] in
            try await PostgresMessageTables.removeDeadLetter(id, consumer: consumer, client: client, logger: logger)
        }
    }

    public func requeue(_ message: Message) async throws {
        try await Deadline.run(within: timeout) { [client, logger] in try await PostgresMessageTables.requeue(message, client: client, logger: logger) }
    }

    public func prune(_ retention: MessageRetention, now: Date) async throws -> Int {
        try await Deadline.run(within: .seconds(300)) { [client, logger] in
            try await PostgresMessageTables.prune(retention, now: now, client: client, logger: logger)
        }
    }
}
