import BoxofficeBackOffice
import BoxofficeDomain
import BoxofficeMessaging
import BoxofficeStorage
import BoxofficeTickets
import Foundation
import SQLiteNIO

/// The back office's tables in the SQLite booking database.
enum SQLiteBackOfficeTables {
    /// Migration 17: refunds and their tickets, bookings' histories, events' status, cancellation and customers' cutoff, orders by event,
    /// conflicts per minute.
    static let schema = [
        """
        CREATE TABLE refunds (
            id TEXT PRIMARY KEY, booking_id TEXT NOT NULL, event_id INTEGER NOT NULL, ordinals TEXT NOT NULL,
            amount_minor INTEGER NOT NULL CHECK (amount_minor >= 0), currency TEXT NOT NULL, releases_seats INTEGER NOT NULL,
            cause TEXT NOT NULL, requested_by TEXT NOT NULL, created_at INTEGER NOT NULL, credited_at INTEGER)
        """,
        "CREATE INDEX refunds_booking ON refunds(booking_id)",
        "CREATE TABLE refunded_tickets (ticket_id TEXT PRIMARY KEY, booking_id TEXT NOT NULL, refund_id TEXT NOT NULL)",
        "CREATE INDEX refunded_tickets_booking ON refunded_tickets(booking_id)",
        "CREATE TABLE booking_history (booking_id TEXT NOT NULL, at INTEGER NOT NULL, kind TEXT NOT NULL, detail TEXT NOT NULL)",
        "CREATE INDEX booking_history_booking ON booking_history(booking_id, at)",
        // Bookings paid before histories were kept: their last change was the confirmation, so the sales chart shows them.
        """
        INSERT INTO booking_history (booking_id, at, kind, detail)
        SELECT id, updated_at, 'confirmed', 'payment succeeded; seats sold (recorded before histories were kept)' FROM bookings WHERE status = 'confirmed'
        """,
        "ALTER TABLE events ADD COLUMN cancellation_cutoff INTEGER",
        "ALTER TABLE events ADD COLUMN status TEXT NOT NULL DEFAULT 'published' CHECK (status IN ('draft', 'published', 'cancelled'))",
        "CREATE INDEX bookings_event_created ON bookings(event_id, created_at)",
        "CREATE INDEX checkins_booking ON checkins(booking_id)",
        "CREATE INDEX refunds_event ON refunds(event_id, created_at)",
        """
        CREATE TABLE event_cancellations (
            event_id INTEGER PRIMARY KEY REFERENCES events(id), requested_by TEXT NOT NULL, started_at INTEGER NOT NULL, finished_at INTEGER)
        """,
        "CREATE TABLE sales_rollup (event_id INTEGER NOT NULL, minute INTEGER NOT NULL, conflicts INTEGER NOT NULL, PRIMARY KEY (event_id, minute))",
    ]

    /// Appends history lines, 200 to a statement.
    static func append(_ entries: [BookingHistoryEntry], connection: SQLiteConnection) async throws {
        for chunk in entries.chunked(by: 200) {
            var binds: [SQLiteData] = []
            binds.reserveCapacity(chunk.count * 4)
            for entry in chunk {
                binds += [.text(entry.bookingID.description), ColumnCoding.millis(entry.at), .text(entry.kind.rawValue), .text(entry.detail)]
            }
            let values = Array(repeating: "(?, ?, ?, ?)", count: chunk.count).joined(separator: ", ")
            _ = try await connection.query("INSERT INTO booking_history (booking_id, at, kind, detail) VALUES \(values)", binds)
        }
    }

    /// A row of `refunds`.
    static func refund(from row: SQLiteRow) -> Refund? {
        guard let id = row.column("id")?.string.flatMap(UUID.init(uuidString:)), let booking = row.column("booking_id")?.string.flatMap(BookingID.init),
              let currency = row.column("currency")?.string.flatMap(Currency.init),
              let cause = row.column("cause")?.string.flatMap(RefundCause.init(rawValue:)) else { return nil }
        return Refund(
            id: id, bookingID: booking, eventID: EventID(rawValue: Int64(row.column("event_id")?.integer ?? 0)),
            ordinals: (row.column("ordinals")?.string ?? "").split(separator: ",").compactMap { Int($0) },
            amountMinor: Int64(row.column("amount_minor")?.integer ?? 0), currency: currency,
            releasesSeats: row.column("releases_seats")?.integer == 1, cause: cause, requestedBy: row.column("requested_by")?.string ?? "",
            createdAt: ColumnCoding.date(row.column("created_at")),
            creditedAt: row.column("credited_at").flatMap { $0.isNull ? nil : ColumnCoding.date($0) }
        )
    }
}

/// One refund's steps on the SQLite writer, inside its transaction.
struct SQLiteRefundTransaction: RefundTransaction {
    let connection: SQLiteConnection

    func appendNotices(_ notices: [Notice]) async throws {
        try await SQLiteWebhookTables.append(notices, connection: connection)
    }

    func lockBooking(_ id: BookingID) async throws -> Booking? {
        try await connection.query("SELECT * FROM bookings WHERE id = ?", [.text(id.description)]).first.flatMap(SQLiteBookingStore.booking(from:))
    }

    func refundedOrdinals(of booking: BookingID) async throws -> Set<Int> {
        let rows = try await connection.query("SELECT ticket_id FROM refunded_tickets WHERE booking_id = ?", [.text(booking.description)])
        return Set(rows.compactMap { $0.column("ticket_id")?.string.flatMap(TicketID.init)?.ordinal })
    }

    func checkedInOrdinals(of booking: BookingID) async throws -> Set<Int> {
        let rows = try await connection.query("SELECT ticket_id FROM checkins WHERE booking_id = ?", [.text(booking.description)])
        return Set(rows.compactMap { $0.column("ticket_id")?.string.flatMap(TicketID.init)?.ordinal })
    }

    func insertRefund(_ refund: Refund) async throws {
        _ = try await connection.query(
            """
            INSERT INTO refunds (id, booking_id, event_id, ordinals, amount_minor, currency, releases_seats, cause, requested_by, created_at)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            """,
            [
                .text(refund.id.uuidString.lowercased()), .text(refund.bookingID.description), ColumnCoding.int(refund.eventID.rawValue),
                .text(refund.ordinals.map(String.init).joined(separator: ",")), ColumnCoding.int(refund.amountMinor), .text(refund.currency.code),
                .integer(refund.releasesSeats ? 1 : 0), .text(refund.cause.rawValue), .text(refund.requestedBy), ColumnCoding.millis(refund.createdAt),
            ]
        )
        for ordinal in refund.ordinals {
            _ = try await connection.query(
                "INSERT INTO refunded_tickets (ticket_id, booking_id, refund_id) VALUES (?, ?, ?)",
                [.text(TicketID(booking: refund.bookingID, ordinal: ordinal).description), .text(refund.bookingID.description), .text(refund.id.uuidString.lowercased())]
            )
        }
    }

    func markRefunded(_ booking: BookingID, at: Date) async throws {
        _ = try await connection.query(
            "UPDATE bookings SET status = 'refunded', updated_at = ? WHERE id = ? AND status = 'confirmed'", [ColumnCoding.millis(at), .text(booking.description)]
        )
    }

    func releaseSeats(_ seats: [SeatID], of booking: BookingID) async throws {
        try await SQLiteInventoryTransaction(connection: connection).deleteClaims(seats.map { (seat: $0, booking: booking) }.sorted { $0.seat < $1.seat })
    }

    func releaseSold(_ quantity: Int, from pool: PoolID) async throws {
        _ = try await connection.query("UPDATE ga_pools SET sold = sold - ? WHERE id = ?", [ColumnCoding.int(quantity), ColumnCoding.int(pool.rawValue)])
    }

    func removeHoldings(_ tickets: Int, of customer: String, event: EventID) async throws {
        try await SQLiteInventoryTransaction(connection: connection).removeHoldings([(customer: customer, tickets: tickets)], event: event)
    }

    func appendHistory(_ entries: [BookingHistoryEntry]) async throws {
        try await SQLiteBackOfficeTables.append(entries, connection: connection)
    }

    func appendOutbox(_ messages: [Message]) async throws {
        try await SQLiteMessageTables.append(messages, connection: connection)
    }

    func lockEvent(_ event: EventID) async throws {}
}

extension SQLiteBookingStore: BackOfficeStore {
    public func refund(_ order: RefundOrder, event: Event, id: UUID, at: Date) async throws -> RefundPlan {
        let plan = try await database.write { connection in
            try await RefundApplier.apply(order, event: event, id: id, at: at, in: SQLiteRefundTransaction(connection: connection))
        }
        outboxWakeup.ring()
        return plan
    }

    public func recordCredited(_ refund: UUID, message: UUID, at: Date) async throws -> Refund? {
        try await database.write { connection in
            guard !(try await SQLiteMessageTables.record([message], at: at, connection: connection)).isEmpty else { return nil }
            guard let row = try await connection.query(
                "UPDATE refunds SET credited_at = ? WHERE id = ? AND credited_at IS NULL RETURNING *", [ColumnCoding.millis(at), .text(refund.uuidString.lowercased())]
            ).first, let credited = SQLiteBackOfficeTables.refund(from: row) else { return nil }
            try await SQLiteBackOfficeTables.append([credited.creditEntry], connection: connection)
            return credited
        }
    }

    public func refunds(of booking: BookingID) async throws -> [Refund] {
        try await database.read("SELECT * FROM refunds WHERE booking_id = ? ORDER BY created_at, id", [.text(booking.description)])
            .compactMap(SQLiteBackOfficeTables.refund(from:))
    }

    public func history(of booking: BookingID) async throws -> [BookingHistoryEntry] {
        try await database.read("SELECT * FROM booking_history WHERE booking_id = ? ORDER BY at, rowid", [.text(booking.description)]).compactMap { row in
            guard let kind = row.column("kind")?.string.flatMap(BookingHistoryEntry.Kind.init(rawValue:)) else { return nil }
            return BookingHistoryEntry(bookingID: booking, at: ColumnCoding.date(row.column("at")), kind: kind, detail: row.column("detail")?.string ?? "")
        }
    }
}

extension SQLiteBookingStore {
    public func orders(_ filter: OrderFilter, after cursor: OrderCursor?, limit: Int, newestFirst: Bool) async throws -> [OrderLine] {
        var conditions: [String] = []
        var binds: [SQLiteData] = []
        if let event = filter.eventID {
            conditions.append("b.event_id = ?")
            binds.append(ColumnCoding.int(event.rawValue))
        }
        if !filter.statuses.isEmpty {
            conditions.append("b.status IN (\(ColumnCoding.placeholders(filter.statuses.count)))")
            binds += filter.statuses.map { .text($0.rawValue) }
        }
        if let from = filter.createdFrom {
            conditions.append("b.created_at >= ?")
            binds.append(ColumnCoding.millis(from))
        }
        if let before = filter.createdBefore {
            conditions.append("b.created_at < ?")
            binds.append(ColumnCoding.millis(before))
        }
        if let prefix = filter.bookingIDPrefix {
            conditions.append("b.id LIKE ? ESCAPE '\\'")
            binds.append(.text(LikePattern.starting(with: prefix)))
        }
        if let text = filter.customerContains {
            conditions.append("(LOWER(COALESCE(i.email, '')) LIKE ? ESCAPE '\\' OR LOWER(b.user_identifier) LIKE ? ESCAPE '\\')")
            binds += [.text(LikePattern.containing(text)), .text(LikePattern.containing(text))]
        }
        if let seat = filter.seat {
            conditions.append("(',' || b.seat_ids || ',') LIKE ?")
            binds.append(.text("%,\(seat.rawValue),%"))
        }
        if let cursor {
            conditions.append("(b.created_at, b.id) \(newestFirst ? "<" : ">") (SELECT c.created_at, c.id FROM bookings c WHERE c.id = ?)")
            binds.append(.text(cursor.bookingID.description))
        }
        binds.append(.integer(limit))
        let rows = try await database.read(
            """
            SELECT b.*, i.email AS customer_email FROM bookings b LEFT JOIN identities i ON i.id = b.user_identifier
            \(conditions.isEmpty ? "" : "WHERE " + conditions.joined(separator: " AND ")) ORDER BY b.created_at \(newestFirst ? "DESC" : "ASC"), b.id \(newestFirst ? "DESC" : "ASC") LIMIT ?
            """,
            binds
        )
        return rows.compactMap { row in Self.booking(from: row).map { OrderLine(booking: $0, email: row.column("customer_email")?.string) } }
    }
}

extension SQLiteBookingStore {
    public func startCancellation(of event: EventID, by organizer: String, at: Date) async throws -> EventCancellation {
        try await database.write { connection in
            let started = try await connection.query(
                "INSERT INTO event_cancellations (event_id, requested_by, started_at) VALUES (?, ?, ?) ON CONFLICT DO NOTHING RETURNING event_id",
                [ColumnCoding.int(event.rawValue), .text(organizer), ColumnCoding.millis(at)]
            )
            // `event.cancelled` is told once, when the job starts.
            if !started.isEmpty {
                try await SQLiteWebhookTables.append([Notice(topic: .eventCancelled, eventID: event, subject: organizer, at: at)], connection: connection)
            }
        }
        guard let cancellation = try await cancellation(of: event) else { throw UnreadableRow(table: "event_cancellations") }
        return cancellation
    }

    public func cancellation(of event: EventID) async throws -> EventCancellation? {
        let id = ColumnCoding.int(event.rawValue)
        guard let row = try await database.read("SELECT * FROM event_cancellations WHERE event_id = ?", [id]).first else { return nil }
        let refunded = try await database.read(
            "SELECT COUNT(DISTINCT booking_id) AS n FROM refunds WHERE event_id = ? AND cause = ?", [id, .text(RefundCause.eventCancelled.rawValue)]
        ).first?.column("n")?.integer ?? 0
        let remaining = try await database.read(
            "SELECT COUNT(*) AS n FROM bookings WHERE event_id = ? AND status IN (\(ColumnCoding.placeholders(EventCancellation.unsettled.count)))",
            [id] + EventCancellation.unsettled.map { .text($0.rawValue) }
        ).first?.column("n")?.integer ?? 0
        return EventCancellation(
            eventID: event, requestedBy: row.column("requested_by")?.string ?? "", startedAt: ColumnCoding.date(row.column("started_at")),
            finishedAt: row.column("finished_at").flatMap { $0.isNull ? nil : ColumnCoding.date($0) }, refunded: refunded, remaining: remaining
        )
    }

    public func unfinishedCancellations() async throws -> [EventID] {
        try await database.read("SELECT event_id FROM event_cancellations WHERE finished_at IS NULL ORDER BY event_id").compactMap { row in
            row.column("event_id")?.integer.map { EventID(rawValue: Int64($0)) }
        }
    }

    public func finishCancellation(of event: EventID, at: Date) async throws {
        _ = try await database.write { connection in
            // Only once nothing is left: a hold an instance made before it heard of the cancellation keeps the job going.
            try await connection.query(
                """
                UPDATE event_cancellations SET finished_at = ? WHERE event_id = ? AND finished_at IS NULL
                    AND NOT EXISTS (SELECT 1 FROM bookings WHERE event_id = ? AND status IN (\(ColumnCoding.placeholders(EventCancellation.unsettled.count))))
                """,
                [ColumnCoding.millis(at), ColumnCoding.int(event.rawValue), ColumnCoding.int(event.rawValue)] + EventCancellation.unsettled.map { .text($0.rawValue) }
            )
        }
    }
}

extension SQLiteBookingStore {
    public func salesFacts(of event: EventID, in window: StatsWindow) async throws -> SalesFacts {
        let (id, from, to) = (ColumnCoding.int(event.rawValue), ColumnCoding.millis(window.from), ColumnCoding.millis(window.to))
        let step = ColumnCoding.int(window.stepSeconds * 1000)
        var confirmed: [(at: Date, booking: Booking)] = []
        for row in try await database.read(
            """
            SELECT b.*, h.at AS confirmed_at FROM bookings b JOIN booking_history h ON h.booking_id = b.id AND h.kind = 'confirmed'
            WHERE b.event_id = ? AND h.at >= ? AND h.at < ?
            """,
            [id, from, to]
        ) {
            if let booking = Self.booking(from: row) { confirmed.append((ColumnCoding.date(row.column("confirmed_at")), booking)) }
        }
        /// Per bucket of `column`'s time, `value` over the event's rows of `table` in the window.
        func counts(_ table: String, at column: String, _ value: String = "COUNT(*)") async throws -> [Int: Int] {
            var counts: [Int: Int] = [:]
            for row in try await database.read(
                "SELECT (\(column) - ?) / ? AS bucket, \(value) AS n FROM \(table) WHERE event_id = ? AND \(column) >= ? AND \(column) < ? GROUP BY bucket",
                [from, step, id, from, to]
            ) {
                if let bucket = row.column("bucket")?.integer { counts[bucket] = row.column("n")?.integer ?? 0 }
            }
            return counts
        }
        let holds = try await counts("bookings", at: "created_at")
        let checkins = try await counts("checkins", at: "checked_in_at")
        let conflicts = try await counts("sales_rollup", at: "minute", "SUM(conflicts)")
        let refunded = try await counts("refunds", at: "created_at", "SUM(amount_minor)").mapValues(Int64.init)
        return SalesFacts(confirmed: confirmed, holds: holds, conflicts: conflicts, checkins: checkins, refunded: refunded)
    }

    public func addConflicts(_ conflicts: [EventID: Int], minute: Date) async throws {
        guard !conflicts.isEmpty else { return }
        _ = try await database.write { connection in
            for (event, count) in conflicts.sorted(by: { $0.key < $1.key }) {
                _ = try await connection.query(
                    "INSERT INTO sales_rollup (event_id, minute, conflicts) VALUES (?, ?, ?) ON CONFLICT (event_id, minute) DO UPDATE SET conflicts = conflicts + excluded.conflicts",
                    [ColumnCoding.int(event.rawValue), ColumnCoding.millis(minute), ColumnCoding.int(count)]
                )
            }
        }
    }
}
