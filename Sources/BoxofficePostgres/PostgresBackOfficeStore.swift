import BoxofficeBackOffice
import BoxofficeDomain
import BoxofficeMessaging
import BoxofficeStorage
import BoxofficeTickets
import Foundation
import Logging
import PostgresNIO

/// The back office's tables in the PostgreSQL booking database.
enum PostgresBackOfficeTables {
    /// Migration 17: refunds and their tickets, bookings' histories, events' status, cancellation and customers' cutoff, orders by event,
    /// conflicts per minute.
    static let schema = [
        """
        CREATE TABLE refunds (
            id UUID PRIMARY KEY, booking_id UUID NOT NULL, event_id BIGINT NOT NULL, ordinals TEXT NOT NULL,
            amount_minor BIGINT NOT NULL CHECK (amount_minor >= 0), currency TEXT NOT NULL, releases_seats BOOLEAN NOT NULL,
            cause TEXT NOT NULL, requested_by TEXT NOT NULL, created_at TIMESTAMPTZ NOT NULL, credited_at TIMESTAMPTZ)
        """,
        "CREATE INDEX refunds_booking ON refunds(booking_id)",
        "CREATE TABLE refunded_tickets (ticket_id TEXT PRIMARY KEY, booking_id UUID NOT NULL, refund_id UUID NOT NULL)",
        "CREATE INDEX refunded_tickets_booking ON refunded_tickets(booking_id)",
        "CREATE TABLE booking_history (seq BIGSERIAL PRIMARY KEY, booking_id UUID NOT NULL, at TIMESTAMPTZ NOT NULL, kind TEXT NOT NULL, detail TEXT NOT NULL)",
        "CREATE INDEX booking_history_booking ON booking_history(booking_id, at)",
        // Bookings paid before histories were kept: their last change was the confirmation, so the sales chart shows them.
        """
        INSERT INTO booking_history (booking_id, at, kind, detail)
        SELECT id, updated_at, 'confirmed', 'payment succeeded; seats sold (recorded before histories were kept)' FROM bookings WHERE status = 'confirmed'
        """,
        "ALTER TABLE events ADD COLUMN cancellation_cutoff TIMESTAMPTZ",
        "ALTER TABLE events ADD COLUMN status TEXT NOT NULL DEFAULT 'published' CHECK (status IN ('draft', 'published', 'cancelled'))",
        "CREATE INDEX bookings_event_created ON bookings(event_id, created_at)",
        "CREATE INDEX checkins_booking ON checkins(booking_id)",
        "CREATE INDEX refunds_event ON refunds(event_id, created_at)",
        """
        CREATE TABLE event_cancellations (
            event_id BIGINT PRIMARY KEY REFERENCES events(id), requested_by TEXT NOT NULL, started_at TIMESTAMPTZ NOT NULL, finished_at TIMESTAMPTZ)
        """,
        "CREATE TABLE sales_rollup (event_id BIGINT NOT NULL, minute TIMESTAMPTZ NOT NULL, conflicts INTEGER NOT NULL, PRIMARY KEY (event_id, minute))",
    ]

    /// The columns of a refund, in the order ``refunds(_:on:logger:)`` reads them.
    static let refundColumns = "id, booking_id, event_id, ordinals, amount_minor, currency, releases_seats, cause, requested_by, created_at, credited_at"

    /// Appends history lines in one statement.
    static func append(_ entries: [BookingHistoryEntry], connection: PostgresConnection, logger: Logger) async throws {
        guard !entries.isEmpty else { return }
        try await connection.runPrepared(
            AppendHistory.self, try PostgresBindings(entries.map(\.bookingID.rawValue), entries.map(\.at), entries.map(\.kind.rawValue), entries.map(\.detail)),
            logger: logger
        )
    }

    private enum AppendHistory: PreparedSQL {
        static let sql = "INSERT INTO booking_history (booking_id, at, kind, detail) SELECT * FROM UNNEST($1::uuid[], $2::timestamptz[], $3::text[], $4::text[])"
    }

    /// The refunds a query selecting ``refundColumns`` returns.
    static func refunds(_ query: PostgresQuery, on database: some PostgresQueryable, logger: Logger) async throws -> [Refund] {
        var refunds: [Refund] = []
        for try await row in try await database.run(query, logger: logger)
            .decode((UUID, UUID, Int64, String, Int64, String, Bool, String, String, Date, Date?).self) {
            guard let currency = Currency(row.5), let cause = RefundCause(rawValue: row.7) else { throw UnreadableRow(table: "refunds") }
            refunds.append(Refund(
                id: row.0, bookingID: BookingID(rawValue: row.1), eventID: EventID(rawValue: row.2), ordinals: row.3.split(separator: ",").compactMap { Int($0) },
                amountMinor: row.4, currency: currency, releasesSeats: row.6, cause: cause, requestedBy: row.8, createdAt: row.9, creditedAt: row.10
            ))
        }
        return refunds
    }
}

/// One refund's steps on one PostgreSQL connection, inside its transaction.
struct PostgresRefundTransaction: RefundTransaction {
    let connection: PostgresConnection
    let logger: Logger
    let store: PostgresBookingStore

    private var inventory: PostgresInventoryTransaction { PostgresInventoryTransaction(connection: connection, logger: logger) }

    func appendNotices(_ notices: [Notice]) async throws {
        try await PostgresWebhookTables.append(notices, on: connection, logger: logger)
    }

    func lockBooking(_ id: BookingID) async throws -> Booking? {
        try await PostgresBookingStore.bookings(
            "SELECT \(unescaped: PostgresBookingStore.bookingColumns) FROM bookings WHERE id = \(id.rawValue) FOR UPDATE", on: connection, logger: logger
        ).first
    }

    func refundedOrdinals(of booking: BookingID) async throws -> Set<Int> {
        var ordinals: Set<Int> = []
        for try await ticket in try await connection.query(
            "SELECT ticket_id FROM refunded_tickets WHERE booking_id = \(booking.rawValue)", logger: logger
        ).decode(String.self) {
            if let id = TicketID(ticket) { ordinals.insert(id.ordinal) }
        }
        return ordinals
    }

    func checkedInOrdinals(of booking: BookingID) async throws -> Set<Int> {
        var ordinals: Set<Int> = []
        for try await ticket in try await connection.query("SELECT ticket_id FROM checkins WHERE booking_id = \(booking.rawValue)", logger: logger)
            .decode(String.self) {
            if let id = TicketID(ticket) { ordinals.insert(id.ordinal) }
        }
        return ordinals
    }

    func insertRefund(_ refund: Refund) async throws {
        try await connection.query(
            """
            INSERT INTO refunds (id, booking_id, event_id, ordinals, amount_minor, currency, releases_seats, cause, requested_by, created_at)
            VALUES (\(refund.id), \(refund.bookingID.rawValue), \(refund.eventID.rawValue), \(refund.ordinals.map(String.init).joined(separator: ",")),
                \(refund.amountMinor), \(refund.currency.code), \(refund.releasesSeats), \(refund.cause.rawValue), \(refund.requestedBy), \(refund.createdAt))
            """,
            logger: logger
        )
        try await connection.query(
            """
            INSERT INTO refunded_tickets (ticket_id, booking_id, refund_id)
            SELECT t, \(refund.bookingID.rawValue), \(refund.id) FROM UNNEST(\(refund.ordinals.map { TicketID(booking: refund.bookingID, ordinal: $0).description })) AS t
            """,
            logger: logger
        )
    }

    func markRefunded(_ booking: BookingID, at: Date) async throws {
        try await connection.query(
            "UPDATE bookings SET status = 'refunded', updated_at = \(at) WHERE id = \(booking.rawValue) AND status = 'confirmed'", logger: logger
        )
    }

    func releaseSeats(_ seats: [SeatID], of booking: BookingID) async throws {
        try await inventory.deleteClaims(seats.sorted().map { (seat: $0, booking: booking) })
    }

    func releaseSold(_ quantity: Int, from pool: PoolID) async throws {
        try await connection.query("UPDATE ga_pools SET sold = sold - \(quantity) WHERE id = \(pool.rawValue)", logger: logger)
    }

    func removeHoldings(_ tickets: Int, of customer: String, event: EventID) async throws {
        try await inventory.removeHoldings([(customer: customer, tickets: tickets)], event: event)
    }

    func appendHistory(_ entries: [BookingHistoryEntry]) async throws {
        try await PostgresBackOfficeTables.append(entries, connection: connection, logger: logger)
    }

    func appendOutbox(_ messages: [Message]) async throws {
        try await PostgresMessageTables.append(messages, connection: connection, logger: logger)
    }

    func lockEvent(_ event: EventID) async throws {
        try await store.lockAndAnnounce(event, connection: connection)
    }
}

extension PostgresBookingStore: BackOfficeStore {
    public func refund(_ order: RefundOrder, event: Event, id: UUID, at: Date) async throws -> RefundPlan {
        let plan = try await Deadline.run(within: timeout) { [self] in
            do {
                return try await client.withTransaction(logger: logger) { connection in
                    try await RefundApplier.apply(order, event: event, id: id, at: at, in: PostgresRefundTransaction(connection: connection, logger: logger, store: self))
                }
            } catch let error as PostgresTransactionError {
                // A refusal rolled the transaction back: it is the refusal the caller hears, not the rollback.
                throw error.closureError ?? error
            }
        }
        outboxWakeup.ring()
        return plan
    }

    public func recordCredited(_ refund: UUID, message: UUID, at: Date) async throws -> Refund? {
        try await Deadline.run(within: timeout) { [self] in
            try await client.withTransaction(logger: logger) { connection -> Refund? in
                guard !(try await PostgresMessageTables.record([message], connection: connection, logger: logger)).isEmpty else { return nil }
                guard let credited = try await PostgresBackOfficeTables.refunds(
                    """
                    UPDATE refunds SET credited_at = \(at) WHERE id = \(refund) AND credited_at IS NULL
                    RETURNING \(unescaped: PostgresBackOfficeTables.refundColumns)
                    """,
                    on: connection, logger: logger
                ).first else { return nil }
                try await PostgresBackOfficeTables.append([credited.creditEntry], connection: connection, logger: logger)
                return credited
            }
        }
    }

    public func refunds(of booking: BookingID) async throws -> [Refund] {
        try await Deadline.run(within: timeout) { [self] in
            try await PostgresBackOfficeTables.refunds(
                "SELECT \(unescaped: PostgresBackOfficeTables.refundColumns) FROM refunds WHERE booking_id = \(booking.rawValue) ORDER BY created_at, id",
                on: client, logger: logger
            )
        }
    }

    public func history(of booking: BookingID) async throws -> [BookingHistoryEntry] {
        try await Deadline.run(within: timeout) { [self] in
            var entries: [BookingHistoryEntry] = []
            for try await (at, kind, detail) in try await client.query(
                "SELECT at, kind, detail FROM booking_history WHERE booking_id = \(booking.rawValue) ORDER BY at, seq", logger: logger
            ).decode((Date, String, String).self) {
                guard let kind = BookingHistoryEntry.Kind(rawValue: kind) else { continue }
                entries.append(BookingHistoryEntry(bookingID: booking, at: at, kind: kind, detail: detail))
            }
            return entries
        }
    }
}

extension PostgresBookingStore {
    public func orders(_ filter: OrderFilter, after cursor: OrderCursor?, limit: Int, newestFirst: Bool) async throws -> [OrderLine] {
        // Every filter is bound; one that is not set is NULL and lets every row through.
        let statuses = filter.statuses.map(\.rawValue)
        let like = LikePattern.containing
        let query: PostgresQuery = """
            SELECT \(unescaped: Self.joinedBookingColumns), i.email
            FROM bookings b LEFT JOIN identities i ON i.id::text = b.user_identifier
            WHERE (\(filter.eventID?.rawValue)::bigint IS NULL OR b.event_id = \(filter.eventID?.rawValue))
              AND (\(statuses.isEmpty) OR b.status = ANY(\(statuses)))
              AND (\(filter.createdFrom)::timestamptz IS NULL OR b.created_at >= \(filter.createdFrom))
              AND (\(filter.createdBefore)::timestamptz IS NULL OR b.created_at < \(filter.createdBefore))
              AND (\(filter.bookingIDPrefix.map { LikePattern.starting(with: $0) })::text IS NULL OR b.id::text LIKE \(filter.bookingIDPrefix.map { LikePattern.starting(with: $0) }))
              AND (\(filter.customerContains.map(like))::text IS NULL
                   OR LOWER(COALESCE(i.email, '')) LIKE \(filter.customerContains.map(like)) OR LOWER(b.user_identifier) LIKE \(filter.customerContains.map(like)))
              AND (\(filter.seat.map { "%,\($0.rawValue),%" })::text IS NULL OR (',' || b.seat_ids || ',') LIKE \(filter.seat.map { "%,\($0.rawValue),%" }))
              AND (\(cursor?.bookingID.rawValue)::uuid IS NULL
                   OR (b.created_at, b.id) \(unescaped: newestFirst ? "<" : ">") (SELECT c.created_at, c.id FROM bookings c WHERE c.id = \(cursor?.bookingID.rawValue)))
            ORDER BY b.created_at \(unescaped: newestFirst ? "DESC" : "ASC"), b.id \(unescaped: newestFirst ? "DESC" : "ASC") LIMIT \(limit)
            """
        return try await Deadline.run(within: timeout) { [self] in
            var lines: [OrderLine] = []
            for try await row in try await client.query(query, logger: logger)
                .decode((UUID, Int64, String, String, String, Int64, String, String, Date, Date, String?).self) {
                guard let booking = Self.booking((row.0, row.1, row.2, row.3, row.4, row.5, row.6, row.7, row.8, row.9)) else { continue }
                lines.append(OrderLine(booking: booking, email: row.10))
            }
            return lines
        }
    }
}

extension PostgresBookingStore {
    public func startCancellation(of event: EventID, by organizer: String, at: Date) async throws -> EventCancellation {
        try await Deadline.run(within: timeout) { [self] in
            // The job's row and its notice in one statement: `event.cancelled` is told once, when the job starts.
            try await client.query(
                """
                WITH started AS (
                    INSERT INTO event_cancellations (event_id, requested_by, started_at) VALUES (\(event.rawValue), \(organizer), \(at))
                    ON CONFLICT DO NOTHING RETURNING event_id)
                INSERT INTO notices (id, topic, event_id, subject, at)
                SELECT \(UUID()), \(Notice.Topic.eventCancelled.rawValue), event_id, \(organizer), \(at) FROM started
                """,
                logger: logger
            )
        }
        guard let cancellation = try await cancellation(of: event) else { throw UnreadableRow(table: "event_cancellations") }
        return cancellation
    }

    public func cancellation(of event: EventID) async throws -> EventCancellation? {
        try await Deadline.run(within: timeout) { [self] in
            for try await (by, started, finished, refunded, remaining) in try await client.query(
                """
                SELECT c.requested_by, c.started_at, c.finished_at,
                    (SELECT COUNT(DISTINCT r.booking_id) FROM refunds r WHERE r.event_id = c.event_id AND r.cause = \(RefundCause.eventCancelled.rawValue)),
                    (SELECT COUNT(*) FROM bookings b WHERE b.event_id = c.event_id AND b.status = ANY(\(EventCancellation.unsettled.map(\.rawValue))))
                FROM event_cancellations c WHERE c.event_id = \(event.rawValue)
                """,
                logger: logger
            ).decode((String, Date, Date?, Int, Int).self) {
                return EventCancellation(eventID: event, requestedBy: by, startedAt: started, finishedAt: finished, refunded: refunded, remaining: remaining)
            }
            return nil
        }
    }

    public func unfinishedCancellations() async throws -> [EventID] {
        try await Deadline.run(within: timeout) { [self] in
            var events: [EventID] = []
            for try await id in try await client.query("SELECT event_id FROM event_cancellations WHERE finished_at IS NULL ORDER BY event_id", logger: logger)
                .decode(Int64.self) {
                events.append(EventID(rawValue: id))
            }
            return events
        }
    }

    public func finishCancellation(of event: EventID, at: Date) async throws {
        try await Deadline.run(within: timeout) { [self] in
            try await client.query(
                """
                UPDATE event_cancellations SET finished_at = \(at) WHERE event_id = \(event.rawValue) AND finished_at IS NULL
                    AND NOT EXISTS (SELECT 1 FROM bookings WHERE event_id = \(event.rawValue) AND status = ANY(\(EventCancellation.unsettled.map(\.rawValue))))
                """,
                logger: logger
            )
        }
    }
}

extension PostgresBookingStore {
    public func salesFacts(of event: EventID, in window: StatsWindow) async throws -> SalesFacts {
        let (id, from, to, step) = (event.rawValue, window.from, window.to, Double(window.stepSeconds))
        return try await Deadline.run(within: timeout) { [self] in
            var confirmed: [(at: Date, booking: Booking)] = []
            for try await row in try await client.query(
                """
                SELECT \(unescaped: Self.joinedBookingColumns), h.at FROM bookings b JOIN booking_history h ON h.booking_id = b.id AND h.kind = 'confirmed'
                WHERE b.event_id = \(id) AND h.at >= \(from) AND h.at < \(to)
                """,
                logger: logger
            ).decode((UUID, Int64, String, String, String, Int64, String, String, Date, Date, Date).self) {
                if let booking = Self.booking((row.0, row.1, row.2, row.3, row.4, row.5, row.6, row.7, row.8, row.9)) { confirmed.append((row.10, booking)) }
            }
            /// Per bucket of `column`'s time, `value` over the event's rows of `table` in the window.
            func counts(_ table: String, at column: String, _ value: String = "COUNT(*)") async throws -> [Int: Int64] {
                var counts: [Int: Int64] = [:]
                for try await (bucket, n) in try await client.query(
                    """
                    SELECT FLOOR(EXTRACT(EPOCH FROM \(unescaped: column) - \(from)) / \(step))::int, (\(unescaped: value))::bigint FROM \(unescaped: table)
                    WHERE event_id = \(id) AND \(unescaped: column) >= \(from) AND \(unescaped: column) < \(to) GROUP BY 1
                    """,
                    logger: logger
                ).decode((Int, Int64).self) {
                    counts[bucket] = n
                }
                return counts
            }
            let holds = try await counts("bookings", at: "created_at")
            let checkins = try await counts("checkins", at: "checked_in_at")
            let conflicts = try await counts("sales_rollup", at: "minute", "SUM(conflicts)")
            let refunded = try await counts("refunds", at: "created_at", "SUM(amount_minor)")
            return SalesFacts(
                confirmed: confirmed, holds: holds.mapValues { Int($0) }, conflicts: conflicts.mapValues { Int($0) },
                checkins: checkins.mapValues { Int($0) }, refunded: refunded
            )
        }
    }

    public func addConflicts(_ conflicts: [EventID: Int], minute: Date) async throws {
        guard !conflicts.isEmpty else { return }
        let ordered = conflicts.sorted { $0.key < $1.key }
        try await Deadline.run(within: timeout) { [self] in
            try await client.query(
                """
                INSERT INTO sales_rollup (event_id, minute, conflicts)
                SELECT e, \(minute), n FROM UNNEST(\(ordered.map(\.key.rawValue)), \(ordered.map(\.value))) AS t(e, n)
                ON CONFLICT (event_id, minute) DO UPDATE SET conflicts = sales_rollup.conflicts + excluded.conflicts
                """,
                logger: logger
            )
        }
    }
}
