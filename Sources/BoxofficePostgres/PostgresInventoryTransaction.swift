import BoxofficeDomain
import BoxofficeMessaging
import BoxofficeStorage
import Foundation
import Logging
import PostgresNIO

/// The primitive batch writes in PostgreSQL, on one connection inside an open transaction; arrays travel
/// as bound parameters, so a batch costs a handful of round trips whatever its size.
public struct PostgresInventoryTransaction: InventoryTransaction {
    let connection: PostgresConnection
    let logger: Logger

    /// Wraps the connection of an open transaction.
    public init(connection: PostgresConnection, logger: Logger) {
        self.connection = connection
        self.logger = logger
    }

    public func endHolds(_ bookings: [BookingID], status: BookingStatus, at: Date) async throws -> Set<BookingID> {
        try await move(bookings, from: .held, to: status, at: at)
    }

    public func startPayments(_ bookings: [BookingID], at: Date) async throws -> Set<BookingID> {
        try await move(bookings, from: .held, to: .paymentPending, at: at)
    }

    public func settle(_ bookings: [BookingID], confirmed: Bool, at: Date) async throws -> Set<BookingID> {
        try await move(bookings, from: .paymentPending, to: confirmed ? .confirmed : .cancelled, at: at)
    }

    public func sellClaims(_ claims: [SeatClaim]) async throws {
        try await connection.runPrepared(SellClaims.self, try PostgresBindings(claims.map(\.seat.rawValue), claims.map(\.booking.rawValue)), logger: logger)
    }

    private enum SellClaims: PreparedSQL {
        static let sql = "UPDATE seat_claims SET status = 'sold' WHERE seat_id = ANY($1::int8[]) AND booking_id = ANY($2::uuid[])"
    }

    public func sellHeld(_ quantity: Int, from pool: PoolID) async throws {
        try await connection.query("UPDATE ga_pools SET held = held - \(quantity), sold = sold + \(quantity) WHERE id = \(pool.rawValue)", logger: logger)
    }

    public func recordInbox(_ messages: [UUID]) async throws -> Set<UUID> {
        try await PostgresMessageTables.record(messages, connection: connection, logger: logger)
    }

    public func appendOutbox(_ messages: [Message]) async throws {
        try await PostgresMessageTables.append(messages, connection: connection, logger: logger)
    }

    public func touchWaitingPayments(since cutoff: Date, at: Date, limit: Int) async throws -> [PaymentRequested] {
        var requests: [PaymentRequested] = []
        for try await (id, user, amount, currency, event) in try await connection.query(
            """
            UPDATE bookings SET updated_at = \(at) WHERE id IN (
                SELECT id FROM bookings WHERE status = 'payment_pending' AND updated_at < \(cutoff)
                ORDER BY updated_at LIMIT \(limit) FOR UPDATE SKIP LOCKED)
            RETURNING id, user_identifier, amount_minor, currency, event_id
            """,
            logger: logger
        ).decode((UUID, String, Int64, String, Int64).self) {
            requests.append(PaymentRequested(bookingId: id, userIdentifier: user, amountMinor: amount, currency: currency, eventId: event))
        }
        return requests
    }

    private func move(_ bookings: [BookingID], from: BookingStatus, to: BookingStatus, at: Date) async throws -> Set<BookingID> {
        let rows = try await connection.runPrepared(MoveBookings.self, try PostgresBindings(to.rawValue, at, from.rawValue, bookings.map(\.rawValue)), logger: logger)
        return Set(try rows.map { BookingID(rawValue: try $0.decode(UUID.self)) })
    }

    private enum MoveBookings: PreparedSQL {
        static let sql = "UPDATE bookings SET status = $1, updated_at = $2 WHERE status = $3 AND id = ANY($4::uuid[]) RETURNING id"
    }

    public func deleteClaims(_ claims: [SeatClaim]) async throws {
        try await connection.query(
            "DELETE FROM seat_claims WHERE seat_id = ANY(\(claims.map(\.seat.rawValue))) AND booking_id = ANY(\(claims.map(\.booking.rawValue)))",
            logger: logger
        )
    }

    public func claimSeats(_ claims: [SeatClaim], event: EventID) async throws -> [SeatID: BookingID] {
        var claimed: [SeatID: BookingID] = [:]
        for try await (seat, booking) in try await connection.query(
            """
            INSERT INTO seat_claims (seat_id, event_id, booking_id, status)
            SELECT seat, \(event.rawValue), booking, 'held' FROM UNNEST(\(claims.map(\.seat.rawValue)), \(claims.map(\.booking.rawValue))) AS t(seat, booking)
            JOIN events ON events.id = \(event.rawValue) AND seat >= events.first_seat_id AND seat < events.first_seat_id + events.seat_count
            ON CONFLICT (seat_id) DO NOTHING RETURNING seat_id, booking_id
            """,
            logger: logger
        ).decode((Int64, UUID).self) {
            claimed[SeatID(rawValue: seat)] = BookingID(rawValue: booking)
        }
        return claimed
    }

    public func addHeld(_ quantity: Int, to pool: PoolID) async throws -> Bool {
        for try await _ in try await connection.query(
            "UPDATE ga_pools SET held = held + \(quantity) WHERE id = \(pool.rawValue) AND held + sold + \(quantity) <= capacity RETURNING id",
            logger: logger
        ).decode(Int64.self) {
            return true
        }
        return false
    }

    public func addHoldings(_ holdings: [CustomerTickets], event: EventID, cap: Int) async throws -> Set<String> {
        var fit = Set<String>()
        for try await customer in try await connection.query(
            """
            INSERT INTO customer_holdings (event_id, customer, tickets)
            SELECT \(event.rawValue), customer, tickets FROM UNNEST(\(holdings.map(\.customer)), \(holdings.map(\.tickets))) AS t(customer, tickets)
            WHERE tickets <= \(cap)
            ON CONFLICT (event_id, customer) DO UPDATE SET tickets = customer_holdings.tickets + excluded.tickets
            WHERE customer_holdings.tickets + excluded.tickets <= \(cap)
            RETURNING customer
            """,
            logger: logger
        ).decode(String.self) {
            fit.insert(customer)
        }
        return fit
    }

    public func appendHistory(_ entries: [BookingHistoryEntry]) async throws {
        try await PostgresBackOfficeTables.append(entries, connection: connection, logger: logger)
    }

    public func appendNotices(_ notices: [Notice]) async throws {
        try await PostgresWebhookTables.append(notices, on: connection, logger: logger)
    }

    public func removeHoldings(_ holdings: [CustomerTickets], event: EventID) async throws {
        try await connection.query(
            """
            UPDATE customer_holdings SET tickets = GREATEST(0, customer_holdings.tickets - t.tickets)
            FROM UNNEST(\(holdings.map(\.customer)), \(holdings.map(\.tickets))) AS t(customer, tickets)
            WHERE customer_holdings.event_id = \(event.rawValue) AND customer_holdings.customer = t.customer
            """,
            logger: logger
        )
    }

    public func removeHeld(_ quantity: Int, from pool: PoolID) async throws {
        try await connection.query("UPDATE ga_pools SET held = held - \(quantity) WHERE id = \(pool.rawValue)", logger: logger)
    }

    public func insertBookings(_ bookings: [Booking]) async throws {
        var binds = PostgresBindings(capacity: 11)
        HeldBookingRows.append(bookings, to: &binds)
        try await connection.runPrepared(InsertBookings.self, binds, logger: logger)
    }

    private enum InsertBookings: PreparedSQL {
        static let sql = "INSERT INTO bookings (\(HeldBookingRows.columns)) SELECT \(HeldBookingRows.values) FROM \(HeldBookingRows.source(from: 1))"
    }

    public func insertSeatHolds(_ bookings: [Booking], event: EventID) async throws -> Set<BookingID> {
        try await insertSeatHolds(bookings, event: event, announcing: nil)
    }

    /// One statement: the claims are inserted in a data-modifying `WITH` (only for seats in the event's block of ids, as
    /// ``claimSeats(_:event:)`` does), and a booking is inserted only when as many of its seats came back claimed as it names.
    /// - Parameter announcement: a `NOTIFY` (channel, payload) sent by the same statement, for a statement that
    ///   is its own transaction.
    func insertSeatHolds(_ bookings: [Booking], event: EventID, announcing announcement: (channel: String, payload: String)?) async throws -> Set<BookingID> {
        var binds = PostgresBindings(capacity: 16)
        let claims = BatchApplier.claims(bookings.map { ($0.id, $0.seatIDs) })
        binds.append(event.rawValue)
        binds.append(claims.map(\.seat.rawValue))
        binds.append(claims.map(\.booking.rawValue))
        HeldBookingRows.append(bookings, to: &binds)
        let rows: [PostgresRow]
        if let announcement {
            binds.append(announcement.channel)
            binds.append(announcement.payload)
            rows = try await connection.runPrepared(AnnouncedSeatHolds.self, binds, logger: logger)
        } else {
            rows = try await connection.runPrepared(SeatHolds.self, binds, logger: logger)
        }
        return Set(try rows.compactMap { try $0.decode(UUID?.self).map(BookingID.init(rawValue:)) })
    }

    /// The statement of ``insertSeatHolds(_:event:announcing:)``; `announcing` adds the `NOTIFY` of its last two bound values.
    fileprivate static func seatHoldsSQL(announcing: Bool) -> String {
        let notify = announcing ? "UNION ALL SELECT NULL FROM (SELECT pg_notify($15, $16)) AS announced" : ""
        return """
            WITH claimed AS (
                INSERT INTO seat_claims (seat_id, event_id, booking_id, status)
                SELECT seat, $1, booking, 'held' FROM UNNEST($2::int8[], $3::uuid[]) AS c(seat, booking)
                JOIN events ON events.id = $1 AND seat >= events.first_seat_id AND seat < events.first_seat_id + events.seat_count
                ON CONFLICT (seat_id) DO NOTHING RETURNING booking_id)
            , inserted AS (
                INSERT INTO bookings (\(HeldBookingRows.columns))
                SELECT \(HeldBookingRows.values) FROM \(HeldBookingRows.source(from: 4))
                JOIN (SELECT booking_id, count(*) AS seats FROM claimed GROUP BY booking_id) AS c
                    ON c.booking_id = b.id AND c.seats = b.seat_count
                RETURNING id)
            SELECT id FROM inserted \(notify)
            """
    }
}

private enum SeatHolds: PreparedSQL {
    static let sql = PostgresInventoryTransaction.seatHoldsSQL(announcing: false)
}

private enum AnnouncedSeatHolds: PreparedSQL {
    static let sql = PostgresInventoryTransaction.seatHoldsSQL(announcing: true)
}

/// New bookings (`held`, or `payment_pending` when bought at once) as rows of an `UNNEST` over bound arrays, one array per column.
private enum HeldBookingRows {
    /// The columns of `bookings` a new booking writes.
    static let columns = "id, event_id, status, seat_ids, tickets, amount_minor, currency, user_identifier, expires_at, created_at, updated_at"
    /// What `SELECT` writes into ``columns``, from the rows named `b`.
    static let values = "b.id, b.event_id, b.status, b.seat_ids, b.tickets, b.amount_minor, b.currency, b.user_identifier, b.expires_at, b.created_at, b.created_at"

    /// How many arrays ``append(_:to:)`` binds.
    static let arrays = 11

    /// `UNNEST(…) AS b(…)` over the arrays bound from `$first` on by ``append(_:to:)``; `b` also has each booking's `seat_count`.
    static func source(from first: Int) -> String {
        let parameters = (first ..< first + arrays).map { "$\($0)" }.joined(separator: ", ")
        return "UNNEST(\(parameters)) AS b(id, event_id, status, seat_count, seat_ids, tickets, amount_minor, currency, user_identifier, expires_at, created_at)"
    }

    /// Binds the bookings' columns, one array per column, in the order ``source(from:)`` reads them.
    static func append(_ bookings: [Booking], to binds: inout PostgresBindings) {
        binds.append(bookings.map(\.id.rawValue))
        binds.append(bookings.map(\.eventID.rawValue))
        binds.append(bookings.map(\.status.rawValue))
        binds.append(bookings.map { Int64($0.seatIDs.count) })
        binds.append(bookings.map { BookingText.seats($0.seatIDs) })
        binds.append(bookings.map { BookingText.tickets($0.tickets) })
        binds.append(bookings.map(\.amountMinor))
        binds.append(bookings.map(\.currency.code))
        binds.append(bookings.map(\.userIdentifier))
        binds.append(bookings.map(\.expiresAt))
        binds.append(bookings.map(\.createdAt))
    }
}

extension PostgresBookingStore {
    public func apply(_ changes: [InventoryChange], event: EventID, customerCap: Int?) async throws -> BatchResult {
        if customerCap == nil, let holds = BatchApplier.seatHolds(changes) { return BatchResult(applied: try await apply(seatHolds: holds, event: event)) }
        let applied = try await Deadline.run(within: timeout) { [self] in
            try await client.withTransaction(logger: logger) { connection in
                // One writer per event across instances: batches queue here instead of deadlocking on rows. The
                // other instances are told in the same round trip; NOTIFY is delivered only if the batch commits
                // (one that ends up changing nothing costs them a needless re-read, which is rare and harmless).
                try await lockAndAnnounce(event, claimsOnly: BatchApplier.holdsOnly(changes), connection: connection)
                return try await BatchApplier.apply(
                    changes, event: event, customerCap: customerCap, in: PostgresInventoryTransaction(connection: connection, logger: logger)
                )
            }
        }
        if BatchApplier.writesOutbox(changes) { outboxWakeup.ring() }
        return applied
    }

    public func eventsWithOverdueHolds(before: Date) async throws -> Set<EventID> {
        try await Deadline.run(within: timeout) { [self] in
            var binds = PostgresBindings()
            binds.append(before)
            var events = Set<EventID>()
            for try await id in try await client.query(PostgresQuery(unsafeSQL: BatchApplier.overdueHoldEvents, binds: binds), logger: logger).decode(Int64.self) {
                events.insert(EventID(rawValue: id))
            }
            return events
        }
    }

    public func removeOrphanClaims() async throws -> Set<EventID> {
        try await Deadline.run(within: .seconds(60)) { [self] in
            try await client.withTransaction(logger: logger) { connection in
                var events = Set<EventID>()
                for try await id in try await connection.query(
                    PostgresQuery(unsafeSQL: "WITH gone AS (\(BatchApplier.orphanClaimsCleanup) RETURNING event_id) SELECT DISTINCT event_id FROM gone"),
                    logger: logger
                ).decode(Int64.self) {
                    events.insert(EventID(rawValue: id))
                }
                for event in events { try await announce(event, connection: connection) }
                return events
            }
        }
    }

    public func requestPaymentsAgain(waitingSince cutoff: Date, at: Date, limit: Int) async throws -> [BookingID] {
        let asked = try await Deadline.run(within: timeout) { [self] in
            try await client.withTransaction(logger: logger) { connection in
                try await BatchApplier.requestPaymentsAgain(
                    waitingSince: cutoff, at: at, limit: limit, in: PostgresInventoryTransaction(connection: connection, logger: logger)
                )
            }
        }
        if !asked.isEmpty { outboxWakeup.ring() }
        return asked
    }

    /// A batch of seats-only holds is one statement and its own transaction: one round trip instead of four
    /// (`BEGIN`, the event lock, the statement, `COMMIT`). It needs no event lock, since it only inserts claims,
    /// in seat order, and bookings. A hold that lost a seat to another process has its other claims taken back
    /// by a second statement. Should that one fail, the holds that were written are still reported as written,
    /// and the stray claims are removed at the next start.
    private func apply(seatHolds holds: [Booking], event: EventID) async throws -> [Bool] {
        let inserted = try await Deadline.run(within: timeout) { [self] in
            try await client.withConnection { connection in
                let transaction = PostgresInventoryTransaction(connection: connection, logger: logger)
                let inserted = try await transaction.insertSeatHolds(
                    holds, event: event, announcing: (Self.channel, "\(instanceID):\(event):\(Self.claimsOnly)")
                )
                do {
                    try await BatchApplier.deleteClaims(ofHoldsNotIn: inserted, holds, in: transaction)
                    // Claims taken back free seats the other instances may have seen taken: they re-read.
                    if holds.contains(where: { !inserted.contains($0.id) && $0.seatIDs.count > 1 }) { try await announce(event, connection: connection) }
                } catch {
                    logger.error("could not take back the claims of refused holds; they go at the next start: \(String(reflecting: error))")
                }
                return inserted
            }
        }
        return holds.map { inserted.contains($0.id) }
    }
}
