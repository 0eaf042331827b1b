import BoxofficeDomain
import BoxofficeWaitingRoom
import Foundation
import SQLiteNIO

/// The waiting rooms' tables in the SQLite booking database.
enum SQLiteQueueTables {
    static let schema = [
        "ALTER TABLE events ADD COLUMN queued INTEGER NOT NULL DEFAULT 0",
        """
        CREATE TABLE queues (
            event_id INTEGER PRIMARY KEY REFERENCES events(id), enabled INTEGER NOT NULL, opens_at INTEGER NOT NULL,
            admit_per_minute INTEGER NOT NULL, pass_minutes INTEGER NOT NULL, paused INTEGER NOT NULL, sales_start INTEGER NOT NULL,
            cursor INTEGER NOT NULL DEFAULT 0, next_position INTEGER NOT NULL DEFAULT 1, ordered INTEGER NOT NULL DEFAULT 0,
            advanced_at INTEGER NOT NULL, carry REAL NOT NULL DEFAULT 0)
        """,
        """
        CREATE TABLE queue_entries (
            event_id INTEGER NOT NULL, identity TEXT NOT NULL, joined_at INTEGER NOT NULL, draw INTEGER NOT NULL,
            position INTEGER, pass_issued_at INTEGER, PRIMARY KEY (event_id, identity))
        """,
    ]

    /// Migration 15: active shoppers, proof of work, and every move of a cursor (when each position was let in).
    static let movesSchema = [
        "ALTER TABLE queues ADD COLUMN active_shoppers INTEGER",
        "ALTER TABLE queues ADD COLUMN proof_of_work INTEGER NOT NULL DEFAULT 0",
        "ALTER TABLE queues ADD COLUMN shopping INTEGER",
        "ALTER TABLE queues ADD COLUMN admitted_last_minute INTEGER",
        "CREATE TABLE queue_moves (event_id INTEGER NOT NULL, cursor INTEGER NOT NULL, at INTEGER NOT NULL, PRIMARY KEY (event_id, cursor))",
        "CREATE INDEX queue_entries_position ON queue_entries(event_id, position)",
        // A queue running before: its cursor so far counts as one move, at its last tick.
        "INSERT INTO queue_moves (event_id, cursor, at) SELECT event_id, cursor, advanced_at FROM queues WHERE cursor > 0",
    ]

    static func state(_ row: SQLiteRow) -> QueueState {
        var state = QueueState(
            settings: QueueSettings(
                enabled: row.column("enabled")?.integer == 1, opensAt: ColumnCoding.date(row.column("opens_at")),
                admitPerMinute: row.column("admit_per_minute")?.integer ?? 1, passMinutes: row.column("pass_minutes")?.integer ?? 10,
                paused: row.column("paused")?.integer == 1, activeShoppers: row.column("active_shoppers")?.integer,
                proofOfWork: row.column("proof_of_work")?.integer ?? 0
            ),
            salesStart: ColumnCoding.date(row.column("sales_start")), cursor: row.column("cursor")?.integer ?? 0,
            nextPosition: row.column("next_position")?.integer ?? 1, ordered: row.column("ordered")?.integer == 1,
            advancedAt: ColumnCoding.date(row.column("advanced_at")), carry: row.column("carry")?.double ?? 0
        )
        state.shopping = row.column("shopping")?.integer
        state.admittedLastMinute = row.column("admitted_last_minute")?.integer
        return state
    }

    /// The cursor as it stood at a moment: the last recorded move at or before it.
    static func cursor(of event: EventID, at moment: Date, connection: SQLiteConnection) async throws -> Int {
        try await connection.query(
            "SELECT COALESCE(MAX(cursor), 0) AS cursor FROM queue_moves WHERE event_id = ? AND at <= ?", [ColumnCoding.int(event.rawValue), ColumnCoding.millis(moment)]
        ).first?.column("cursor")?.integer ?? 0
    }

    /// The admitted visitors still shopping: let in within the pass's time, and not yet paid for a booking of the event.
    static func shopping(in state: QueueState, of event: EventID, now: Date, connection: SQLiteConnection) async throws -> Int {
        let since = try await cursor(of: event, at: now.addingTimeInterval(-Double(state.settings.passMinutes * 60)), connection: connection)
        return try await connection.query(
            """
            SELECT COUNT(*) AS n FROM queue_entries q WHERE q.event_id = ? AND q.position > ? AND q.position <= ?
                AND NOT EXISTS (SELECT 1 FROM bookings b WHERE b.event_id = q.event_id AND b.user_identifier = q.identity AND b.status = 'confirmed')
            """,
            [ColumnCoding.int(event.rawValue), ColumnCoding.int(since), ColumnCoding.int(state.cursor)]
        ).first?.column("n")?.integer ?? 0
    }

    static func entry(_ row: SQLiteRow) -> QueueEntry {
        QueueEntry(
            identity: row.column("identity")?.string ?? "", position: row.column("position")?.integer,
            passIssuedAt: row.column("pass_issued_at")?.integer.map { _ in ColumnCoding.date(row.column("pass_issued_at")) },
            paid: row.column("paid")?.integer == 1
        )
    }

    /// Gives the pre-queue its positions in the order of its draws, once; the cursor moves from the sale's start, or from
    /// when the queue was switched on if that was later (an on-sale already under way banks no time).
    static func order(_ event: EventID, connection: SQLiteConnection) async throws {
        let id = ColumnCoding.int(event.rawValue)
        _ = try await connection.query(
            """
            UPDATE queue_entries SET position = ranked.n FROM (
                SELECT identity, ROW_NUMBER() OVER (ORDER BY draw, identity) AS n FROM queue_entries WHERE event_id = ? AND position IS NULL
            ) AS ranked WHERE queue_entries.event_id = ? AND queue_entries.identity = ranked.identity
            """,
            [id, id]
        )
        _ = try await connection.query(
            """
            UPDATE queues SET ordered = 1, next_position = (SELECT COUNT(*) FROM queue_entries WHERE event_id = ?) + 1, advanced_at = MAX(sales_start, advanced_at)
            WHERE event_id = ?
            """,
            [id, id]
        )
    }

    /// Adds visitors to a queue inside an open transaction, or finds the entries they have, in a few statements for the
    /// lot: the entries found, the new ones inserted together (before the draw without a position; after it with the
    /// next positions, in order), the next position written once.
    static func join(_ joins: [QueueJoin], of event: EventID, connection: SQLiteConnection) async throws -> QueueJoined {
        let id = ColumnCoding.int(event.rawValue)
        guard let stateRow = try await connection.query("SELECT * FROM queues WHERE event_id = ?", [id]).first else {
            throw DomainError.noWaitingRoom(event)
        }
        var state = SQLiteQueueTables.state(stateRow)
        var entries = try await found(Array(Set(joins.map(\.identity))), of: event, connection: connection)
        var fresh: [QueueJoin] = []
        for join in joins where entries[join.identity] == nil && !fresh.contains(where: { $0.identity == join.identity }) { fresh.append(join) }
        // Joins before sales start wait for the draw; a join after it (or after the draw) orders the pre-queue first.
        let preQueue = state.ordered ? [] : fresh.prefix { $0.at < state.salesStart }
        try await insert(preQueue.map { ($0, nil) }, of: event, connection: connection)
        let positioned = fresh.dropFirst(preQueue.count)
        if !positioned.isEmpty {
            if !state.ordered {
                try await SQLiteQueueTables.order(event, connection: connection)
                state = SQLiteQueueTables.state(try await connection.query("SELECT * FROM queues WHERE event_id = ?", [id])[0])
                let undrawn = preQueue.map(\.identity) + entries.values.filter { $0.position == nil }.map(\.identity)
                entries.merge(try await found(undrawn, of: event, connection: connection)) { _, drawn in drawn }
            }
            try await insert(positioned.enumerated().map { ($1, state.nextPosition + $0) }, of: event, connection: connection)
            state.nextPosition += positioned.count
            _ = try await connection.query("UPDATE queues SET next_position = ? WHERE event_id = ?", [ColumnCoding.int(state.nextPosition), id])
        }
        for join in preQueue where entries[join.identity] == nil { entries[join.identity] = QueueEntry(identity: join.identity, position: nil) }
        for (offset, join) in positioned.enumerated() {
            entries[join.identity] = QueueEntry(identity: join.identity, position: state.nextPosition - positioned.count + offset)
        }
        return QueueJoined(entries: joins.map { entries[$0.identity] ?? QueueEntry(identity: $0.identity, position: nil) }, state: state)
    }

    /// The entries visitors have, by identity.
    private static func found(_ identities: [String], of event: EventID, connection: SQLiteConnection) async throws -> [String: QueueEntry] {
        var entries: [String: QueueEntry] = [:]
        for start in stride(from: 0, to: identities.count, by: 500) {
            let chunk = identities[start ..< min(start + 500, identities.count)]
            for row in try await connection.query(
                "SELECT * FROM queue_entries WHERE event_id = ? AND identity IN (\(ColumnCoding.placeholders(chunk.count)))",
                [ColumnCoding.int(event.rawValue)] + chunk.map { .text($0) }
            ) {
                let entry = SQLiteQueueTables.entry(row)
                entries[entry.identity] = entry
            }
        }
        return entries
    }

    /// Inserts new entries, 200 to a statement.
    private static func insert(_ rows: [(QueueJoin, Int?)], of event: EventID, connection: SQLiteConnection) async throws {
        for start in stride(from: 0, to: rows.count, by: 200) {
            let chunk = rows[start ..< min(start + 200, rows.count)]
            var binds: [SQLiteData] = []
            binds.reserveCapacity(chunk.count * 5)
            for (join, position) in chunk {
                binds += [
                    ColumnCoding.int(event.rawValue), .text(join.identity), ColumnCoding.millis(join.at), .integer(SQLiteInt64(join.draw)),
                    position.map { ColumnCoding.int($0) } ?? .null,
                ]
            }
            _ = try await connection.query(
                "INSERT INTO queue_entries (event_id, identity, joined_at, draw, position) VALUES "
                    + Array(repeating: "(?, ?, ?, ?, ?)", count: chunk.count).joined(separator: ", "),
                binds
            )
        }
    }
}

extension SQLiteBookingStore: QueueStore {
    public func queueState(of event: EventID) async throws -> QueueState? {
        try await database.read("SELECT * FROM queues WHERE event_id = ?", [ColumnCoding.int(event.rawValue)]).first.map(SQLiteQueueTables.state)
    }

    public func saveQueueSettings(_ settings: QueueSettings, of event: EventID, salesStart: Date, at: Date) async throws -> QueueState {
        try await database.write { connection in
            let id = ColumnCoding.int(event.rawValue)
            _ = try await connection.query(
                """
                INSERT INTO queues (event_id, enabled, opens_at, admit_per_minute, pass_minutes, paused, sales_start, advanced_at, active_shoppers, proof_of_work)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                ON CONFLICT (event_id) DO UPDATE SET enabled = excluded.enabled, opens_at = excluded.opens_at,
                    admit_per_minute = excluded.admit_per_minute, pass_minutes = excluded.pass_minutes, paused = excluded.paused,
                    active_shoppers = excluded.active_shoppers, proof_of_work = excluded.proof_of_work,
                    advanced_at = CASE WHEN queues.enabled = 0 AND excluded.enabled = 1 THEN MAX(queues.advanced_at, excluded.advanced_at) ELSE queues.advanced_at END,
                    carry = CASE WHEN queues.enabled = 0 AND excluded.enabled = 1 THEN 0 ELSE queues.carry END
                """,
                [
                    id, ColumnCoding.int(settings.enabled ? 1 : 0), ColumnCoding.millis(settings.opensAt), ColumnCoding.int(settings.admitPerMinute),
                    ColumnCoding.int(settings.passMinutes), ColumnCoding.int(settings.paused ? 1 : 0), ColumnCoding.millis(salesStart), ColumnCoding.millis(at),
                    settings.activeShoppers.map { ColumnCoding.int($0) } ?? .null, ColumnCoding.int(settings.proofOfWork),
                ]
            )
            _ = try await connection.query("UPDATE events SET queued = ? WHERE id = ?", [ColumnCoding.int(settings.enabled ? 1 : 0), id])
            let rows = try await connection.query("SELECT * FROM queues WHERE event_id = ?", [id])
            return SQLiteQueueTables.state(rows[0])
        }
    }

    public func joinQueue(of event: EventID, _ joins: [QueueJoin]) async throws -> QueueJoined {
        // One transaction for the lot: one durable commit, however many visitors join together.
        try await database.write { connection in try await SQLiteQueueTables.join(joins, of: event, connection: connection) }
    }

    public func queueEntry(of event: EventID, identity: String) async throws -> QueueEntry? {
        try await database.read(
            """
            SELECT q.*, EXISTS (SELECT 1 FROM bookings b WHERE b.event_id = q.event_id AND b.user_identifier = q.identity AND b.status = 'confirmed') AS paid
            FROM queue_entries q WHERE q.event_id = ? AND q.identity = ?
            """,
            [ColumnCoding.int(event.rawValue), .text(identity)]
        ).first.map(SQLiteQueueTables.entry)
    }

    public func admissionTime(of event: EventID, position: Int) async throws -> Date? {
        let rows = try await database.read(
            "SELECT MIN(at) AS at FROM queue_moves WHERE event_id = ? AND cursor >= ?", [ColumnCoding.int(event.rawValue), ColumnCoding.int(position)]
        )
        guard let at = rows.first?.column("at"), at.integer != nil else { return nil }
        return ColumnCoding.date(at)
    }

    public func recordPassIssued(of event: EventID, identity: String, at: Date) async throws -> Date {
        try await database.write { connection in
            let rows = try await connection.query(
                "UPDATE queue_entries SET pass_issued_at = COALESCE(pass_issued_at, ?) WHERE event_id = ? AND identity = ? RETURNING pass_issued_at",
                [ColumnCoding.millis(at), ColumnCoding.int(event.rawValue), .text(identity)]
            )
            return rows.first.map { ColumnCoding.date($0.column("pass_issued_at")) } ?? at
        }
    }

    public func advanceQueues(to now: Date) async throws -> [EventID: QueueState] {
        try await database.write { connection in
            var states: [EventID: QueueState] = [:]
            for row in try await connection.query("SELECT * FROM queues WHERE enabled = 1") {
                let event = EventID(rawValue: Int64(row.column("event_id")?.integer ?? 0))
                var state = SQLiteQueueTables.state(row)
                if !state.ordered, now >= state.salesStart {
                    try await SQLiteQueueTables.order(event, connection: connection)
                    state = SQLiteQueueTables.state(try await connection.query("SELECT * FROM queues WHERE event_id = ?", [ColumnCoding.int(event.rawValue)])[0])
                }
                let before = state.cursor
                if state.settings.activeShoppers != nil {
                    state.advance(to: now, shopping: try await SQLiteQueueTables.shopping(in: state, of: event, now: now, connection: connection))
                } else {
                    state.advance(to: now)
                }
                if state.cursor > before {
                    _ = try await connection.query(
                        "INSERT INTO queue_moves (event_id, cursor, at) VALUES (?, ?, ?)",
                        [ColumnCoding.int(event.rawValue), ColumnCoding.int(state.cursor), ColumnCoding.millis(now)]
                    )
                }
                if state.settings.activeShoppers != nil {
                    state.admittedLastMinute = state.cursor - (try await SQLiteQueueTables.cursor(of: event, at: now.addingTimeInterval(-60), connection: connection))
                }
                _ = try await connection.query(
                    "UPDATE queues SET cursor = ?, carry = ?, advanced_at = ?, shopping = ?, admitted_last_minute = ? WHERE event_id = ?",
                    [
                        ColumnCoding.int(state.cursor), .float(state.carry), ColumnCoding.millis(state.advancedAt),
                        state.shopping.map { ColumnCoding.int($0) } ?? .null, state.admittedLastMinute.map { ColumnCoding.int($0) } ?? .null,
                        ColumnCoding.int(event.rawValue),
                    ]
                )
                states[event] = state
            }
            return states
        }
    }
}
