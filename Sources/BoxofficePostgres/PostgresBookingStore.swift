import BoxofficeDomain
import BoxofficeMessaging
import BoxofficeStorage
import Foundation
import Logging
import PostgresNIO

/// The booking service's store on PostgreSQL, shared safely by several booking instances.
///
/// Seats are claimed by inserting a row keyed by the seat id, pools count with conditional updates, and each
/// batch holds a per-event advisory lock, so instances never oversell and never deadlock on each other. Every
/// committed change is announced with `NOTIFY` so the other instances' memory follows.
public struct PostgresBookingStore: BookingStore {
    /// The channel on which committed inventory changes are announced, as `instance:event`.
    public static let channel = "boxoffice_inventory"

    /// The client.
    public let client: PostgresClient
    /// The store's logger.
    public let logger: Logger
    /// How long one operation may take.
    public let timeout: Duration
    /// Distinguishes this process's announcements from other instances'.
    let instanceID: String
    /// Rung after every commit that wrote to the outbox.
    public let outboxWakeup: Wakeup

    /// Creates a store over a running client.
    public init(client: PostgresClient, timeout: Duration, logger: Logger, instanceID: String = UUID().uuidString, outboxWakeup: Wakeup = Wakeup()) {
        self.client = client
        self.timeout = timeout
        self.logger = logger
        self.instanceID = instanceID
        self.outboxWakeup = outboxWakeup
    }

    /// Brings the schema up to date.
    @discardableResult
    public func migrate() async throws -> [Int] {
        let migrator = PostgresMigrator(client: client, migrations: PostgresBookingSchema.migrations, name: "the booking database", logger: logger)
        // Reaching the server is bounded by the operation timeout; the migrations themselves may take longer.
        _ = try await Deadline.run(within: timeout) { [client, logger] in try await client.query("SELECT 1", logger: logger) }
        return try await Deadline.run(within: .seconds(600)) { try await migrator.migrate() }
    }

    public func createEvent(_ draft: EventDraft) async throws -> Event {
        try await Deadline.run(within: timeout) { [self] in
            try await client.withTransaction(logger: logger) { connection in
                let event = try await insert(draft, connection: connection)
                try await announce(event.id, connection: connection)
                return event
            }
        }
    }

    public func createEventsIfEmpty(_ drafts: [EventDraft]) async throws -> [Event] {
        try await Deadline.run(within: timeout) { [self] in
            try await client.withTransaction(logger: logger) { connection in
                try await connection.query("SELECT pg_advisory_xact_lock(\(PostgresMigrator.lockKey))", logger: logger)
                for try await count in try await connection.query("SELECT COUNT(*) FROM events", logger: logger).decode(Int.self) where count > 0 {
                    return []
                }
                var events: [Event] = []
                for draft in drafts {
                    let event = try await insert(draft, connection: connection)
                    try await announce(event.id, connection: connection)
                    events.append(event)
                }
                return events
            }
        }
    }

    public func updateEvent(_ id: EventID, details: EventDetails) async throws -> Bool {
        try await Deadline.run(within: timeout) { [self] in
            try await client.withTransaction(logger: logger) { connection in
                var updated = false
                for try await _ in try await connection.query(
                    """
                    UPDATE events SET title = \(details.title), description = \(details.description), venue = \(details.venue),
                        starts_at = \(details.startsAt), sales_start = \(details.salesStart), sales_end = \(details.salesEnd),
                        hold_ttl_seconds = \(details.holdTTLSeconds), max_tickets = \(details.maxTicketsPerBooking),
                        max_tickets_per_customer = \(details.maxTicketsPerCustomer), held_per_address = \(details.heldPerAddress),
                        cancellation_cutoff = \(details.cancellationCutoff)
                    WHERE id = \(id.rawValue) AND status <> 'cancelled' RETURNING id
                    """,
                    logger: logger
                ).decode(Int64.self) {
                    updated = true
                }
                if updated { try await announce(id, connection: connection) }
                return updated
            }
        }
    }

    public func setEventStatus(_ id: EventID, to status: EventStatus) async throws -> Bool {
        try await Deadline.run(within: timeout) { [self] in
            try await client.withTransaction(logger: logger) { connection in
                var updated = false
                for try await _ in try await connection.query(
                    "UPDATE events SET status = \(status.rawValue) WHERE id = \(id.rawValue) AND status <> 'cancelled' RETURNING id", logger: logger
                ).decode(Int64.self) {
                    updated = true
                }
                if updated { try await announce(id, connection: connection) }
                return updated
            }
        }
    }

    public func booking(_ id: BookingID) async throws -> Booking? {
        try await bookings(where: "SELECT \(unescaped: Self.bookingColumns) FROM bookings WHERE id = \(id.rawValue)").first
    }

    public func bookings(ofCustomer customer: String, limit: Int) async throws -> [Booking] {
        try await bookings(where: """
            SELECT \(unescaped: Self.bookingColumns) FROM bookings WHERE user_identifier = \(customer) ORDER BY created_at DESC, id LIMIT \(limit)
            """)
    }

    /// Runs a query selecting whole bookings, columns in the order ``bookingColumns`` names them.
    private func bookings(where query: PostgresQuery) async throws -> [Booking] {
        try await Deadline.run(within: timeout) { [self] in try await Self.bookings(query, on: client, logger: logger) }
    }

    /// The columns of a whole booking, in the order ``bookings(_:on:logger:)`` reads them.
    static let bookingColumns = "id, event_id, status, seat_ids, tickets, amount_minor, currency, user_identifier, expires_at, created_at"

    /// ``bookingColumns`` of a table aliased `b`, for a join.
    static let joinedBookingColumns = bookingColumns.split(separator: ",").map { "b." + $0.trimmingCharacters(in: .whitespaces) }.joined(separator: ", ")

    /// A row of ``bookingColumns``, decoded.
    typealias BookingRow = (UUID, Int64, String, String, String, Int64, String, String, Date, Date)

    /// The booking of a row; nil for a status or currency that does not read.
    static func booking(_ row: BookingRow) -> Booking? {
        guard let status = BookingStatus(rawValue: row.2), let currency = Currency(row.6) else { return nil }
        return Booking(
            id: BookingID(rawValue: row.0), eventID: EventID(rawValue: row.1), status: status,
            seatIDs: BookingText.seats(row.3), tickets: BookingText.tickets(row.4), amountMinor: row.5,
            currency: currency, userIdentifier: row.7, expiresAt: row.8, createdAt: row.9
        )
    }

    /// The bookings a query selecting ``bookingColumns`` returns.
    static func bookings(_ query: PostgresQuery, on database: some PostgresQueryable, logger: Logger) async throws -> [Booking] {
        var bookings: [Booking] = []
        for try await row in try await database.run(query, logger: logger).decode(BookingRow.self) {
            if let booking = booking(row) { bookings.append(booking) }
        }
        return bookings
    }

    public func eventCount() async throws -> Int {
        try await Deadline.run(within: timeout) { [self] in
            for try await count in try await client.query("SELECT COUNT(*) FROM events", logger: logger).decode(Int.self) { return count }
            return 0
        }
    }

    /// The payload suffix of a batch that only inserted claims (see ``PostgresChangeFeed``).
    static let claimsOnly = "claims"

    /// Announces, at commit, that an event's inventory changed.
    func announce(_ event: EventID, connection: PostgresConnection) async throws {
        try await connection.query("SELECT pg_notify(\(Self.channel), \("\(instanceID):\(event)"))", logger: logger)
    }

    /// Takes the event's batch lock until commit and announces, at commit, that its inventory changed.
    /// - Parameter claimsOnly: whether the batch only adds claims (other instances then follow it without stopping
    ///   their fast refusals).
    func lockAndAnnounce(_ event: EventID, claimsOnly: Bool = false, connection: PostgresConnection) async throws {
        let note = claimsOnly ? "\(instanceID):\(event):\(Self.claimsOnly)" : "\(instanceID):\(event)"
        try await connection.runPrepared(LockAndAnnounce.self, try PostgresBindings(event.rawValue, Self.channel, note), logger: logger)
    }

    private enum LockAndAnnounce: PreparedSQL {
        static let sql = "SELECT pg_advisory_xact_lock($1::int8), pg_notify($2, $3)"
    }

    /// Takes a fresh block of `count` seat ids; returns its first.
    func allocateSeats(_ count: Int, on connection: PostgresConnection) async throws -> SeatID {
        for try await first in try await connection.query(
            "UPDATE seat_id_allocator SET next = next + \(count) RETURNING next - \(count)", logger: logger
        ).decode(Int64.self) {
            return SeatID(rawValue: first)
        }
        throw UnreadableRow(table: "seat_id_allocator")
    }

    /// The event's seats held, sold, or kept blocked after a refund.
    func claimedSeats(of event: Event, on connection: PostgresConnection) async throws -> Set<SeatID> {
        var claimed: Set<SeatID> = []
        for try await seat in try await connection.query(
            "SELECT seat_id FROM seat_claims WHERE seat_id >= \(event.seatIDs.lowerBound) AND seat_id < \(event.seatIDs.upperBound)", logger: logger
        ).decode(Int64.self) {
            claimed.insert(SeatID(rawValue: seat))
        }
        return claimed
    }

    private func insert(_ draft: EventDraft, connection: PostgresConnection) async throws -> Event {
        let layout = try StoredLayout(categories: draft.categories, seatMap: draft.seatMap).encoded()
        let firstSeat = try await allocateSeats(draft.seatMap.seatCount, on: connection).rawValue
        let details = draft.details
        var id: Int64 = 0
        for try await inserted in try await connection.query(
            """
            INSERT INTO events (title, description, venue, starts_at, sales_start, sales_end, hold_ttl_seconds, max_tickets,
                max_tickets_per_customer, held_per_address, currency, first_seat_id, seat_count, layout, orphan_rule, queued, cancellation_cutoff, status)
            VALUES (\(details.title), \(details.description), \(details.venue), \(details.startsAt), \(details.salesStart),
                \(details.salesEnd), \(details.holdTTLSeconds), \(details.maxTicketsPerBooking), \(details.maxTicketsPerCustomer),
                \(details.heldPerAddress), \(details.currency.code), \(firstSeat), \(draft.seatMap.seatCount), \(layout), \(details.orphanRule.rawValue), \(details.queued),
                \(details.cancellationCutoff), \(details.status.rawValue))
            RETURNING id
            """,
            logger: logger
        ).decode(Int64.self) {
            id = inserted
        }
        var pools: [GAPool] = []
        for pool in draft.gaPools {
            for try await poolID in try await connection.query(
                "INSERT INTO ga_pools (event_id, name, price_minor, capacity) VALUES (\(id), \(pool.name), \(pool.priceMinor), \(pool.capacity)) RETURNING id",
                logger: logger
            ).decode(Int64.self) {
                pools.append(GAPool(id: PoolID(rawValue: poolID), name: pool.name, priceMinor: pool.priceMinor, capacity: pool.capacity))
            }
        }
        return Event(
            id: EventID(rawValue: id), details: details, categories: draft.categories, seatMap: draft.seatMap,
            firstSeatID: SeatID(rawValue: firstSeat), gaPools: pools
        )
    }
}
