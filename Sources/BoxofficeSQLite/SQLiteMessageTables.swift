import BoxofficeDomain
import BoxofficeMessaging
import Foundation
import SQLiteNIO

/// The outbox, inbox and dead-letter tables every SQLite service database has, with the same shape.
enum SQLiteMessageTables {
    /// The statements that create the tables.
    static let schema = [
        """
        CREATE TABLE outbox (
            id TEXT PRIMARY KEY, type TEXT NOT NULL, payload TEXT NOT NULL,
            occurred_at INTEGER NOT NULL, sent_at INTEGER)
        """,
        "CREATE INDEX outbox_unsent ON outbox(occurred_at) WHERE sent_at IS NULL",
        "CREATE TABLE inbox (message_id TEXT PRIMARY KEY, processed_at INTEGER NOT NULL)",
        """
        CREATE TABLE dead_letters (
            message_id TEXT NOT NULL, consumer TEXT NOT NULL, type TEXT NOT NULL, payload TEXT NOT NULL,
            error TEXT NOT NULL, failed_at INTEGER NOT NULL, PRIMARY KEY (message_id, consumer))
        """,
    ]

    /// Writes messages to the outbox, inside the caller's transaction.
    static func append(_ messages: [Message], connection: SQLiteConnection) async throws {
        for message in messages {
            _ = try await connection.query(
                "INSERT INTO outbox (id, type, payload, occurred_at) VALUES (?, ?, ?, ?)",
                [.text(message.id.uuidString.lowercased()), .text(message.type), .text(String(decoding: message.payload, as: UTF8.self)), ColumnCoding.millis(message.occurredAt)]
            )
        }
    }

    /// Records message ids in the inbox; returns those that were new.
    static func record(_ ids: [UUID], at: Date, connection: SQLiteConnection) async throws -> Set<UUID> {
        var new = Set<UUID>()
        for id in ids {
            let rows = try await connection.query(
                "INSERT INTO inbox (message_id, processed_at) VALUES (?, ?) ON CONFLICT DO NOTHING RETURNING message_id",
                [.text(id.uuidString.lowercased()), ColumnCoding.millis(at)]
            )
            if !rows.isEmpty { new.insert(id) }
        }
        return new
    }

    /// The statement that gives an outbox its claims (a later migration than the tables themselves).
    static let claims = "ALTER TABLE outbox ADD COLUMN claimed_until INTEGER"

    /// Claims the oldest unsent messages no relay holds (SQLite's write transaction keeps other writers out).
    static func claim(limit: Int, lease: Duration, database: SQLiteDatabaseFile) async throws -> [Message] {
        let now = Date()
        let until = now.addingTimeInterval(Double(lease.components.seconds) + Double(lease.components.attoseconds) / 1e18)
        return try await database.write { connection in
            try await connection.query(
                """
                UPDATE outbox SET claimed_until = ?
                WHERE id IN (
                    SELECT id FROM outbox WHERE sent_at IS NULL AND (claimed_until IS NULL OR claimed_until < ?)
                    ORDER BY occurred_at LIMIT ?)
                RETURNING id, type, payload, occurred_at
                """,
                [ColumnCoding.millis(until), ColumnCoding.millis(now), ColumnCoding.int(limit)]
            ).compactMap(message(from:))
        }.sorted { $0.occurredAt < $1.occurredAt }
    }

    /// Gives back claims.
    static func release(_ ids: [UUID], database: SQLiteDatabaseFile) async throws {
        guard !ids.isEmpty else { return }
        _ = try await database.write { connection in
            try await connection.query(
                "UPDATE outbox SET claimed_until = NULL WHERE id IN (\(ColumnCoding.placeholders(ids.count)))", ids.map { .text($0.uuidString.lowercased()) }
            )
        }
    }

    /// The oldest unsent messages.
    static func unsent(limit: Int, database: SQLiteDatabaseFile) async throws -> [Message] {
        try await database.read(
            "SELECT id, type, payload, occurred_at FROM outbox WHERE sent_at IS NULL ORDER BY occurred_at LIMIT ?", [ColumnCoding.int(limit)]
        ).compactMap(message(from:))
    }

    private static func message(from row: SQLiteRow) -> Message? {
        guard let id = row.column("id")?.string.flatMap(UUID.init(uuidString:)), let type = row.column("type")?.string else { return nil }
        return Message(id: id, type: type, payload: Data((row.column("payload")?.string ?? "").utf8), occurredAt: ColumnCoding.date(row.column("occurred_at")))
    }

    /// Marks messages sent.
    static func markSent(_ ids: [UUID], database: SQLiteDatabaseFile) async throws {
        guard !ids.isEmpty else { return }
        _ = try await database.write { connection in
            try await connection.query(
                "UPDATE outbox SET sent_at = ?, claimed_until = NULL WHERE id IN (\(ColumnCoding.placeholders(ids.count)))",
                [ColumnCoding.millis(Date())] + ids.map { .text($0.uuidString.lowercased()) }
            )
        }
    }

    /// Keeps a message that kept failing.
    static func recordDeadLetter(_ message: Message, consumer: String, error: String, database: SQLiteDatabaseFile) async throws {
        _ = try await database.write { connection in
            try await connection.query(
                "INSERT INTO dead_letters (message_id, consumer, type, payload, error, failed_at) VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING",
                [
                    .text(message.id.uuidString.lowercased()), .text(consumer), .text(message.type),
                    .text(String(decoding: message.payload, as: UTF8.self)), .text(error), ColumnCoding.millis(Date()),
                ]
            )
        }
    }
}

extension SQLiteMessageTables {
    /// The indexes that let old rows be pruned without a full scan.
    static let retentionIndexes = [
        "CREATE INDEX inbox_processed ON inbox(processed_at)",
        "CREATE INDEX outbox_sent ON outbox(sent_at) WHERE sent_at IS NOT NULL",
        "CREATE INDEX dead_letters_failed ON dead_letters(failed_at)",
    ]

    /// Deletes inbox records, sent outbox rows, dead letters and idempotency keys older than their retention.
    static func prune(_ retention: MessageRetention, now: Date, database: SQLiteDatabaseFile) async throws -> Int {
        try await database.write { connection in
            var removed = 0
            for (sql, age) in [
                ("DELETE FROM inbox WHERE processed_at < ? RETURNING 1", retention.inbox),
                ("DELETE FROM outbox WHERE sent_at < ? RETURNING 1", retention.sentOutbox),
                ("DELETE FROM dead_letters WHERE failed_at < ? RETURNING 1", retention.deadLetters),
                ("DELETE FROM idempotency_keys WHERE claimed_at < ? RETURNING 1", retention.idempotencyKeys),
            ] {
                removed += try await connection.query(sql, [ColumnCoding.millis(now.addingTimeInterval(-age))]).count
            }
            return removed
        }
    }

    /// The dead letters, oldest first.
    static func deadLetters(limit: Int, database: SQLiteDatabaseFile) async throws -> [DeadLetter] {
        try await database.read(
            "SELECT message_id, consumer, type, payload, error, failed_at FROM dead_letters ORDER BY failed_at, message_id LIMIT ?", [ColumnCoding.int(limit)]
        ).compactMap { row in
            guard let id = row.column("message_id")?.string.flatMap(UUID.init(uuidString:)), let type = row.column("type")?.string,
                let consumer = row.column("consumer")?.string
            else { return nil }
            let at = ColumnCoding.date(row.column("failed_at"))
            let message = Message(id: id, type: type, payload: Data((row.column("payload")?.string ?? "").utf8), occurredAt: at)
            return DeadLetter(message: message, consumer: consumer, error: row.column("error")?.string ?? "", failedAt: at)
        }
    }

    /// Forgets a dead letter.
    static func removeDeadLetter(_ id: UUID, consumer: String, database: SQLiteDatabaseFile) async throws {
        _ = try await database.write { connection in
            try await connection.query("DELETE FROM dead_letters WHERE message_id = ? AND consumer = ?", [.text(id.uuidString.lowercased()), .text(consumer)])
        }
    }

    /// Puts a message back in the outbox, unsent.
    static func requeue(_ message: Message, database: SQLiteDatabaseFile) async throws {
        _ = try await database.write { connection in
            try await connection.query(
                """
                INSERT INTO outbox (id, type, payload, occurred_at) VALUES (?, ?, ?, ?)
                ON CONFLICT (id) DO UPDATE SET sent_at = NULL, claimed_until = NULL
                """,
                [.text(message.id.uuidString.lowercased()), .text(message.type), .text(String(decoding: message.payload, as: UTF8.self)), ColumnCoding.millis(Date())]
            )
        }
    }
}

/// A service store on one SQLite file whose outbox and dead letters are the standard message tables.
public protocol SQLiteServiceStore: OutboxStore, DeadLetterStore, MessageArchive, IdempotencyStore {
    /// The store's database file.
    var database: SQLiteDatabaseFile { get }
}

extension SQLiteServiceStore {
    public func unsentMessages(limit: Int) async throws -> [Message] {
        try await SQLiteMessageTables.unsent(limit: limit, database: database)
    }

    public func claimUnsent(limit: Int, lease: Duration) async throws -> [Message] {
        try await SQLiteMessageTables.claim(limit: limit, lease: lease, database: database)
    }

    public func markSent(_ ids: [UUID]) async throws {
        try await SQLiteMessageTables.markSent(ids, database: database)
    }

    public func releaseClaims(_ ids: [UUID]) async throws {
        try await SQLiteMessageTables.release(ids, database: database)
    }

    public func recordDeadLetter(_ message: Message, consumer: String, error: String) async throws {
        try await SQLiteMessageTables.recordDeadLetter(message, consumer: consumer, error: error, database: database)
    }

    public func deadLetters(limit: Int) async throws -> [DeadLetter] {
        try await SQLiteMessageTables.deadLetters(limit: limit, database: database)
    }

    public func removeDeadLetter(_ id: UUID, consumer: String) async throws {
        try await SQLiteMessageTables.removeDeadLetter(id, consumer: consumer, database: database)
    }

    public func requeue(_ message: Message) async throws {
        try await SQLiteMessageTables.requeue(message, database: database)
    }

    public func prune(_ retention: MessageRetention, now: Date) async throws -> Int {
        try await SQLiteMessageTables.prune(retention, now: now, database: database)
    }
}
