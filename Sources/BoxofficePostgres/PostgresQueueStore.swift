import BoxofficeDomain
import BoxofficeWaitingRoom
import Foundation
import Logging
import PostgresNIO

/// The waiting rooms' tables in the PostgreSQL booking database.
enum PostgresQueueTables {
    static let schema = [
        "ALTER TABLE events ADD COLUMN queued BOOLEAN NOT NULL DEFAULT false",
        """
        CREATE TABLE queues (
            event_id BIGINT PRIMARY KEY REFERENCES events(id), enabled BOOLEAN NOT NULL, opens_at TIMESTAMPTZ NOT NULL,
            admit_per_minute INTEGER NOT NULL, pass_minutes INTEGER NOT NULL, paused BOOLEAN NOT NULL, sales_start TIMESTAMPTZ NOT NULL,
            cursor BIGINT NOT NULL DEFAULT 0, next_position BIGINT NOT NULL DEFAULT 1, ordered BOOLEAN NOT NULL DEFAULT false,
            advanced_at TIMESTAMPTZ NOT NULL, carry DOUBLE PRECISION NOT NULL DEFAULT 0)
        """,
        """
        CREATE TABLE queue_entries (
            event_id BIGINT NOT NULL, identity TEXT NOT NULL, joined_at TIMESTAMPTZ NOT NULL, draw BIGINT NOT NULL,
            position BIGINT, pass_issued_at TIMESTAMPTZ, PRIMARY KEY (event_id, identity))
        """,
    ]

    /// Migration 15: active shoppers, proof of work, and every move of a cursor (when each position was let in).
    static let movesSchema = [
        "ALTER TABLE queues ADD COLUMN active_shoppers INTEGER",
        "ALTER TABLE queues ADD COLUMN proof_of_work INTEGER NOT NULL DEFAULT 0",
        "ALTER TABLE queues ADD COLUMN shopping BIGINT",
        "ALTER TABLE queues ADD COLUMN admitted_last_minute BIGINT",
        "CREATE TABLE queue_moves (event_id BIGINT NOT NULL, cursor BIGINT NOT NULL, at TIMESTAMPTZ NOT NULL, PRIMARY KEY (event_id, cursor))",
        "CREATE INDEX queue_entries_position ON queue_entries(event_id, position)",
        // A queue running before: its cursor so far counts as one move, at its last tick.
        "INSERT INTO queue_moves (event_id, cursor, at) SELECT event_id, cursor, advanced_at FROM queues WHERE cursor > 0",
    ]

    /// The first key of the advisory lock that lets one process at a time move a queue's cursor (the second is the event).
    static let advancerLock: Int32 = 7_301

    static let stateColumns = """
        enabled, opens_at, admit_per_minute, pass_minutes, paused, sales_start, cursor, next_position, ordered, advanced_at, carry, active_shoppers,
        proof_of_work, shopping, admitted_last_minute
        """
    typealias StateRow = (Bool, Date, Int, Int, Bool, Date, Int, Int, Bool, Date, Double, Int?, Int, Int?, Int?)

    static func state(_ row: StateRow) -> QueueState {
        var state = QueueState(
            settings: QueueSettings(
                enabled: row.0, opensAt: row.1, admitPerMinute: row.2, passMinutes: row.3, paused: row.4, activeShoppers: row.11, proofOfWork: row.12
            ),
            salesStart: row.5, cursor: row.6, nextPosition: row.7, ordered: row.8, advancedAt: row.9, carry: row.10
        )
        state.shopping = row.13
        state.admittedLastMinute = row.14
        return state
    }

    /// The cursor as it stood at a moment: the last recorded move at or before it.
    static func cursor(of event: EventID, at moment: Date, connection: PostgresConnection, logger: Logger) async throws -> Int {
        for try await cursor in try await connection.query(
            "SELECT COALESCE(MAX(cursor), 0) FROM queue_moves WHERE event_id = \(event.rawValue) AND at <= \(moment)", logger: logger
        ).decode(Int.self) {
            return cursor
        }
        return 0
    }

    /// The admitted visitors still shopping: let in within the pass's time, and not yet paid for a booking of the event.
    static func shopping(in state: QueueState, of event: EventID, now: Date, connection: PostgresConnection, logger: Logger) async throws -> Int {
        let since = try await cursor(of: event, at: now.addingTimeInterval(-Double(state.settings.passMinutes * 60)), connection: connection, logger: logger)
        for try await count in try await connection.query(
            """
            SELECT COUNT(*) FROM queue_entries q WHERE q.event_id = \(event.rawValue) AND q.position > \(since) AND q.position <= \(state.cursor)
                AND NOT EXISTS (SELECT 1 FROM bookings b WHERE b.event_id = q.event_id AND b.user_identifier = q.identity AND b.status = 'confirmed')
            """,
            logger: logger
        ).decode(Int.self) {
            return count
        }
        return 0
    }

    /// How a read of a queue's row locks it until commit.
    enum Lock: String {
        case none = ""
        case share = " FOR SHARE"
        case update = " FOR UPDATE"
    }

    static func state(of event: EventID, locking: Lock = .none, connection: PostgresConnection, logger: Logger) async throws -> QueueState? {
        let query = PostgresQuery(unsafeSQL: "SELECT \(stateColumns) FROM queues WHERE event_id = $1\(locking.rawValue)", binds: binds(event.rawValue))
        for try await row in try await connection.query(query, logger: logger).decode(StateRow.self) { return state(row) }
        return nil
    }

    /// Gives the pre-queue its positions in the order of its draws, once; the cursor moves from the sale's start, or from
    /// when the queue was switched on if that was later (an on-sale already under way banks no time).
    static func order(_ event: EventID, connection: PostgresConnection, logger: Logger) async throws {
        try await connection.query(
            """
            UPDATE queue_entries SET position = ranked.n FROM (
                SELECT identity, ROW_NUMBER() OVER (ORDER BY draw, identity) AS n FROM queue_entries WHERE event_id = \(event.rawValue) AND position IS NULL
            ) AS ranked WHERE queue_entries.event_id = \(event.rawValue) AND queue_entries.identity = ranked.identity
            """,
            logger: logger
        )
        try await connection.query(
            """
            UPDATE queues SET ordered = true, next_position = (SELECT COUNT(*) FROM queue_entries WHERE event_id = \(event.rawValue)) + 1,
                advanced_at = GREATEST(sales_start, advanced_at)
            WHERE event_id = \(event.rawValue)
            """,
            logger: logger
        )
    }

    private static func binds(_ value: Int64) -> PostgresBindings {
        var binds = PostgresBindings()
        binds.append(value)
        return binds
    }
}

extension PostgresBookingStore: QueueStore {
    public func queueState(of event: EventID) async throws -> QueueState? {
        try await Deadline.run(within: timeout) { [self] in
            try await client.withConnection { try await PostgresQueueTables.state(of: event, connection: $0, logger: logger) }
        }
    }

    public func saveQueueSettings(_ settings: QueueSettings, of event: EventID, salesStart: Date, at: Date) async throws -> QueueState {
        try await Deadline.run(within: timeout) { [self] in
            try await client.withTransaction(logger: logger) { connection in
                try await connection.query(
                    """
                    INSERT INTO queues (event_id, enabled, opens_at, admit_per_minute, pass_minutes, paused, sales_start, advanced_at, active_shoppers, proof_of_work)
                    VALUES (\(event.rawValue), \(settings.enabled), \(settings.opensAt), \(settings.admitPerMinute), \(settings.passMinutes),
                        \(settings.paused), \(salesStart), \(at), \(settings.activeShoppers), \(settings.proofOfWork))
                    ON CONFLICT (event_id) DO UPDATE SET enabled = excluded.enabled, opens_at = excluded.opens_at,
                        admit_per_minute = excluded.admit_per_minute, pass_minutes = excluded.pass_minutes, paused = excluded.paused,
                        active_shoppers = excluded.active_shoppers, proof_of_work = excluded.proof_of_work,
                        advanced_at = CASE WHEN NOT queues.enabled AND excluded.enabled THEN GREATEST(queues.advanced_at, excluded.advanced_at)
                            ELSE queues.advanced_at END,
                        carry = CASE WHEN NOT queues.enabled AND excluded.enabled THEN 0 ELSE queues.carry END
                    """,
                    logger: logger
                )
                try await connection.query("UPDATE events SET queued = \(settings.enabled) WHERE id = \(event.rawValue)", logger: logger)
                // Every instance re-reads the event, and asks its holds for a pass or stops asking.
                try await announce(event, connection: connection)
                guard let state = try await PostgresQueueTables.state(of: event, connection: connection, logger: logger) else { throw DomainError.noWaitingRoom(event) }
                return state
            }
        }
    }

    public func joinQueue(of event: EventID, _ joins: [QueueJoin]) async throws -> QueueJoined {
        // Joins before the draw share the queue's row (instances joining at once do not wait for each other); joins that
        // need positions lock it. Should the draw happen between choosing and locking, the batch runs again locked.
        let standing = try await queueState(of: event)
        var exclusive = standing.map { $0.ordered || joins.contains { [salesStart = $0.salesStart] join in join.at >= salesStart } } ?? true
        while true {
            if let joined = try await join(joins, of: event, exclusive: exclusive) { return joined }
            exclusive = true
        }
    }

    /// Joins a batch in one transaction, in a few statements for the lot; nil when the queue's row, shared, turns out
    /// to need positions (the caller runs it again, locked).
    private func join(_ joins: [QueueJoin], of event: EventID, exclusive: Bool) async throws -> QueueJoined? {
        try await Deadline.run(within: timeout) { [self] in
            try await client.withTransaction(logger: logger) { connection in
                guard var state = try await PostgresQueueTables.state(of: event, locking: exclusive ? .update : .share, connection: connection, logger: logger) else {
                    throw DomainError.noWaitingRoom(event)
                }
                var entries = try await found(Array(Set(joins.map(\.identity))), of: event, connection: connection)
                var fresh: [QueueJoin] = []
                var seen = Set(entries.keys)
                for join in joins where seen.insert(join.identity).inserted { fresh.append(join) }
                // In identity order: two instances adding the same visitors take their rows in one order, never crosswise.
                let preQueue = state.ordered ? [] : fresh.prefix { $0.at < state.salesStart }.sorted { $0.identity < $1.identity }
                let positioned = Array(fresh.dropFirst(preQueue.count))
                if !positioned.isEmpty, !exclusive { return nil }
                // Before the draw: no positions; another instance may add the same visitor at the same moment.
                if !preQueue.isEmpty {
                    try await connection.query(
                        """
                        INSERT INTO queue_entries (event_id, identity, joined_at, draw)
                        SELECT \(event.rawValue), * FROM UNNEST(\(preQueue.map(\.identity)), \(preQueue.map(\.at)), \(preQueue.map(\.draw)))
                        ON CONFLICT DO NOTHING
                        """,
                        logger: logger
                    )
                }
                if !positioned.isEmpty {
                    if !state.ordered {
                        try await PostgresQueueTables.order(event, connection: connection, logger: logger)
                        state = try await PostgresQueueTables.state(of: event, connection: connection, logger: logger) ?? state
                    }
                    let positions = positioned.indices.map { state.nextPosition + $0 }
                    try await connection.query(
                        """
                        INSERT INTO queue_entries (event_id, identity, joined_at, draw, position)
                        SELECT \(event.rawValue), * FROM UNNEST(\(positioned.map(\.identity)), \(positioned.map(\.at)), \(positioned.map(\.draw)), \(positions))
                        """,
                        logger: logger
                    )
                    state.nextPosition += positioned.count
                    try await connection.query("UPDATE queues SET next_position = \(state.nextPosition) WHERE event_id = \(event.rawValue)", logger: logger)
                }
                // What the pre-queue joins hold now: their own row, another instance's, or a position from the draw.
                let undrawn = preQueue.map(\.identity) + entries.values.filter { $0.position == nil }.map(\.identity)
                if !undrawn.isEmpty { entries.merge(try await found(undrawn, of: event, connection: connection)) { _, now in now } }
                for (offset, join) in positioned.enumerated() {
                    entries[join.identity] = QueueEntry(identity: join.identity, position: state.nextPosition - positioned.count + offset)
                }
                return QueueJoined(entries: joins.map { entries[$0.identity] ?? QueueEntry(identity: $0.identity, position: nil) }, state: state)
            }
        }
    }

    /// The entries visitors have, by identity.
    private func found(_ identities: [String], of event: EventID, connection: PostgresConnection) async throws -> [String: QueueEntry] {
        var entries: [String: QueueEntry] = [:]
        for try await (identity, position, issued) in try await connection.query(
            "SELECT identity, position, pass_issued_at FROM queue_entries WHERE event_id = \(event.rawValue) AND identity = ANY(\(identities))", logger: logger
        ).decode((String, Int?, Date?).self) {
            entries[identity] = QueueEntry(identity: identity, position: position, passIssuedAt: issued)
        }
        return entries
    }

    public func queueEntry(of event: EventID, identity: String) async throws -> QueueEntry? {
        try await Deadline.run(within: timeout) { [self] in
            try await client.withConnection { try await entry(of: event, identity: identity, connection: $0) }
        }
    }

    public func recordPassIssued(of event: EventID, identity: String, at: Date) async throws -> Date {
        try await Deadline.run(within: timeout) { [self] in
            for try await issued in try await client.query(
                """
                UPDATE queue_entries SET pass_issued_at = COALESCE(pass_issued_at, \(at)) WHERE event_id = \(event.rawValue) AND identity = \(identity)
                RETURNING pass_issued_at
                """,
                logger: logger
            ).decode(Date.self) {
                return issued
            }
            return at
        }
    }

    public func advanceQueues(to now: Date) async throws -> [EventID: QueueState] {
        let events: [EventID] = try await Deadline.run(within: timeout) { [self] in
            var events: [EventID] = []
            for try await id in try await client.query("SELECT event_id FROM queues WHERE enabled", logger: logger).decode(Int64.self) {
                events.append(EventID(rawValue: id))
            }
            return events
        }
        var states: [EventID: QueueState] = [:]
        for event in events {
            // One process at a time moves a queue: another instance moving it is skipped, not waited for.
            let moved: QueueState? = try await Deadline.run(within: timeout) { [self] in
                try await client.withTransaction(logger: logger) { connection in
                    // The advancers' own lock (joins lock the row, and must not keep the cursor still); then the row.
                    var locked = false
                    for try await taken in try await connection.query(
                        "SELECT pg_try_advisory_xact_lock(\(PostgresQueueTables.advancerLock), \(Int32(truncatingIfNeeded: event.rawValue)))", logger: logger
                    ).decode(Bool.self) {
                        locked = taken
                    }
                    guard locked, var state = try await PostgresQueueTables.state(of: event, locking: .update, connection: connection, logger: logger) else {
                        return nil
                    }
                    if !state.ordered, now >= state.salesStart {
                        try await PostgresQueueTables.order(event, connection: connection, logger: logger)
                        state = try await PostgresQueueTables.state(of: event, connection: connection, logger: logger) ?? state
                    }
                    let before = state.cursor
                    if state.settings.activeShoppers != nil {
                        state.advance(to: now, shopping: try await PostgresQueueTables.shopping(in: state, of: event, now: now, connection: connection, logger: logger))
                    } else {
                        state.advance(to: now)
                    }
                    if state.cursor > before {
                        try await connection.query(
                            "INSERT INTO queue_moves (event_id, cursor, at) VALUES (\(event.rawValue), \(state.cursor), \(now))", logger: logger
                        )
                    }
                    if state.settings.activeShoppers != nil {
                        let minuteAgo = try await PostgresQueueTables.cursor(of: event, at: now.addingTimeInterval(-60), connection: connection, logger: logger)
                        state.admittedLastMinute = state.cursor - minuteAgo
                    }
                    try await connection.query(
                        """
                        UPDATE queues SET cursor = \(state.cursor), carry = \(state.carry), advanced_at = \(state.advancedAt), shopping = \(state.shopping),
                            admitted_last_minute = \(state.admittedLastMinute)
                        WHERE event_id = \(event.rawValue)
                        """,
                        logger: logger
                    )
                    return state
                }
            }
            if let moved {
                states[event] = moved
            } else if let standing = try await queueState(of: event) {
                states[event] = standing
            }
        }
        return states
    }

    public func admissionTime(of event: EventID, position: Int) async throws -> Date? {
        try await Deadline.run(within: timeout) { [self] in
            for try await at in try await client.query(
                "SELECT MIN(at) FROM queue_moves WHERE event_id = \(event.rawValue) AND cursor >= \(position)", logger: logger
            ).decode(Date?.self) {
                return at
            }
            return nil
        }
    }

    private func entry(of event: EventID, identity: String, connection: PostgresConnection) async throws -> QueueEntry? {
        for try await (position, issued, paid) in try await connection.query(
            """
            SELECT q.position, q.pass_issued_at,
                EXISTS (SELECT 1 FROM bookings b WHERE b.event_id = q.event_id AND b.user_identifier = q.identity AND b.status = 'confirmed')
            FROM queue_entries q WHERE q.event_id = \(event.rawValue) AND q.identity = \(identity)
            """,
            logger: logger
        ).decode((Int?, Date?, Bool).self) {
            return QueueEntry(identity: identity, position: position, passIssuedAt: issued, paid: paid)
        }
        return nil
    }
}
