import BoxofficeDomain
import BoxofficeMessaging
import BoxofficeStorage
import Foundation
import Logging
import SQLiteNIO

/// The booking service's store on an embedded SQLite file.
///
/// Seats are claimed by inserting a row keyed by the seat id into `seat_claims`, so the database itself
/// refuses a second claim on a seat, whatever any process's memory believes.
public struct SQLiteBookingStore: BookingStore {
    /// The store's database file.
    public let database: SQLiteDatabaseFile
    /// Rung after every commit that wrote to the outbox.
    public let outboxWakeup: Wakeup

    /// Wraps an open database file; run ``migrate(logger:)`` before use.
    public init(database: SQLiteDatabaseFile, outboxWakeup: Wakeup = Wakeup()) {
        self.database = database
        self.outboxWakeup = outboxWakeup
    }

    /// Brings the schema up to date.
    /// - Returns: the migration versions applied now.
    @discardableResult
    public func migrate(logger: Logger) async throws -> [Int] {
        try await SQLiteMigrator(database: database, migrations: SQLiteBookingSchema.migrations, logger: logger).migrate()
    }

    public func createEvent(_ draft: EventDraft) async throws -> Event {
        try await database.write { connection in try await Self.insert(draft, connection: connection) }
    }

    public func createEventsIfEmpty(_ drafts: [EventDraft]) async throws -> [Event] {
        try await database.write { connection in
            let rows = try await connection.query("SELECT COUNT(*) AS n FROM events")
            guard rows.first?.column("n")?.integer == 0 else { return [] }
            var events: [Event] = []
            for draft in drafts { events.append(try await Self.insert(draft, connection: connection)) }
            return events
        }
    }

    /// The first id of a fresh block of seat ids: the one after every event's block (the writer is alone, so the block is
    /// this transaction's).
    static func allocateSeats(on connection: SQLiteConnection) async throws -> SeatID {
        let next = try await connection.query("SELECT COALESCE(MAX(first_seat_id + seat_count), 1) AS next FROM events")
        return SeatID(rawValue: Int64(next.first?.column("next")?.integer ?? 1))
    }

    /// The event's seats held, sold, or kept blocked after a refund.
    static func claimedSeats(of event: Event, on connection: SQLiteConnection) async throws -> Set<SeatID> {
        let range = [ColumnCoding.int(event.seatIDs.lowerBound), ColumnCoding.int(event.seatIDs.upperBound)]
        return Set(try await connection.query("SELECT seat_id FROM seat_claims WHERE seat_id >= ? AND seat_id < ?", range).compactMap { row in
            row.column("seat_id")?.integer.map { SeatID(rawValue: Int64($0)) }
        })
    }

    private static func insert(_ draft: EventDraft, connection: SQLiteConnection) async throws -> Event {
        let layout = try StoredLayout(categories: draft.categories, seatMap: draft.seatMap).encoded()
        let firstSeat = try await allocateSeats(on: connection)
        let details = draft.details
        let rows = try await connection.query(
            """
            INSERT INTO events (title, description, venue, starts_at, sales_start, sales_end, hold_ttl_seconds,
                max_tickets, max_tickets_per_customer, held_per_address, currency, first_seat_id, seat_count, layout, created_at, orphan_rule, queued,
                cancellation_cutoff, status)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id
            """,
            [
                .text(details.title), .text(details.description), .text(details.venue),
                ColumnCoding.millis(details.startsAt), ColumnCoding.millis(details.salesStart),
                ColumnCoding.millis(details.salesEnd), ColumnCoding.int(details.holdTTLSeconds),
                ColumnCoding.int(details.maxTicketsPerBooking), details.maxTicketsPerCustomer.map { ColumnCoding.int($0) } ?? .null,
                details.heldPerAddress.map { ColumnCoding.int($0) } ?? .null, .text(details.currency.code),
                ColumnCoding.int(firstSeat.rawValue), ColumnCoding.int(draft.seatMap.seatCount), .text(layout),
                ColumnCoding.millis(Date()), .text(details.orphanRule.rawValue), ColumnCoding.int(details.queued ? 1 : 0),
                details.cancellationCutoff.map(ColumnCoding.millis) ?? .null, .text(details.status.rawValue),
            ]
        )
        let id = EventID(rawValue: Int64(rows[0].column("id")?.integer ?? 0))
        var pools: [GAPool] = []
        for pool in draft.gaPools {
            let inserted = try await connection.query(
                "INSERT INTO ga_pools (event_id, name, price_minor, capacity) VALUES (?, ?, ?, ?) RETURNING id",
                [ColumnCoding.int(id.rawValue), .text(pool.name), ColumnCoding.int(pool.priceMinor), ColumnCoding.int(pool.capacity)]
            )
            let poolID = PoolID(rawValue: Int64(inserted[0].column("id")?.integer ?? 0))
            pools.append(GAPool(id: poolID, name: pool.name, priceMinor: pool.priceMinor, capacity: pool.capacity))
        }
        return Event(id: id, details: details, categories: draft.categories, seatMap: draft.seatMap, firstSeatID: firstSeat, gaPools: pools)
    }

    public func updateEvent(_ id: EventID, details: EventDetails) async throws -> Bool {
        try await database.write { connection in
            !(try await connection.query(
                """
                UPDATE events SET title = ?, description = ?, venue = ?, starts_at = ?, sales_start = ?, sales_end = ?, hold_ttl_seconds = ?,
                    max_tickets = ?, max_tickets_per_customer = ?, held_per_address = ?, cancellation_cutoff = ?
                WHERE id = ? AND status <> 'cancelled' RETURNING id
                """,
                [
                    .text(details.title), .text(details.description), .text(details.venue), ColumnCoding.millis(details.startsAt),
                    ColumnCoding.millis(details.salesStart), ColumnCoding.millis(details.salesEnd), ColumnCoding.int(details.holdTTLSeconds),
                    ColumnCoding.int(details.maxTicketsPerBooking), details.maxTicketsPerCustomer.map { ColumnCoding.int($0) } ?? .null,
                    details.heldPerAddress.map { ColumnCoding.int($0) } ?? .null, details.cancellationCutoff.map(ColumnCoding.millis) ?? .null,
                    ColumnCoding.int(id.rawValue),
                ]
            )).isEmpty
        }
    }

    public func setEventStatus(_ id: EventID, to status: EventStatus) async throws -> Bool {
        try await database.write { connection in
            !(try await connection.query(
                "UPDATE events SET status = ? WHERE id = ? AND status <> 'cancelled' RETURNING id", [.text(status.rawValue), ColumnCoding.int(id.rawValue)]
            )).isEmpty
        }
    }

    public func booking(_ id: BookingID) async throws -> Booking? {
        let rows = try await database.read("SELECT * FROM bookings WHERE id = ?", [.text(id.description)])
        return rows.first.flatMap(Self.booking(from:))
    }

    public func bookings(ofCustomer customer: String, limit: Int) async throws -> [Booking] {
        let rows = try await database.read(
            "SELECT * FROM bookings WHERE user_identifier = ? ORDER BY created_at DESC, id LIMIT ?", [.text(customer), .integer(limit)]
        )
        return rows.compactMap(Self.booking(from:))
    }

    public func eventCount() async throws -> Int {
        let rows = try await database.read("SELECT COUNT(*) AS n FROM events")
        return Int(rows.first?.column("n")?.integer ?? 0)
    }

    static func booking(from row: SQLiteRow) -> Booking? {
        guard let id = row.column("id")?.string.flatMap(BookingID.init),
              let status = row.column("status")?.string.flatMap(BookingStatus.init(rawValue:)),
              let currency = row.column("currency")?.string.flatMap(Currency.init)
        else { return nil }
        return Booking(
            id: id,
            eventID: EventID(rawValue: Int64(row.column("event_id")?.integer ?? 0)),
            status: status,
            seatIDs: ColumnCoding.seats(row.column("seat_ids")),
            tickets: ColumnCoding.tickets(row.column("tickets")),
            amountMinor: Int64(row.column("amount_minor")?.integer ?? 0),
            currency: currency,
            userIdentifier: row.column("user_identifier")?.string ?? "",
            expiresAt: ColumnCoding.date(row.column("expires_at")),
            createdAt: ColumnCoding.date(row.column("created_at"))
        )
    }
}
