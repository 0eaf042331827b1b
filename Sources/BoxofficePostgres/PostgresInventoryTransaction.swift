import BoxofficeDomain
import BoxofficeMessaging
import BoxofficeStorage
import Foundation
import Logging
import PostgresNIO

/// The primitive batch writes in PostgreSQL, on one connection inside an open transaction; arrays travel
/// as bound parameters, so a batch costs a handful of round trips whatever its size.
struct PostgresInventoryTransaction: InventoryTransaction {
    let connection: PostgresConnection
    let logger: Logger

    func endHolds(_ bookings: [BookingID], status: BookingStatus, at: Date) async throws -> Set<BookingID> {
        try await move(bookings, from: .held, to: status, at: at)
    }

    func startPayments(_ bookings: [BookingID], at: Date) async throws -> Set<BookingID> {
        try await move(bookings, from: .held, to: .paymentPending, at: at)
    }

    func settle(_ bookings: [BookingID], confirmed: Bool, at: Date) async throws -> Set<BookingID> {
        try await move(bookings, from: .paymentPending, to: confirmed ? .confirmed : .cancelled, at: at)
    }

    func sellClaims(of bookings: [BookingID]) async throws {
        try await connection.query("UPDATE seat_claims SET status = 'sold' WHERE booking_id = ANY(\(bookings.map(\.rawValue)))", logger: logger)
    }

    func sellHeld(_ quantity: Int, from pool: PoolID) async throws {
        try await connection.query("UPDATE ga_pools SET held = held - \(quantity), sold = sold + \(quantity) WHERE id = \(pool.rawValue)", logger: logger)
    }

    func recordInbox(_ messages: [UUID]) async throws -> Set<UUID> {
        try await PostgresMessageTables.record(messages, connection: connection, logger: logger)
    }

    func appendOutbox(_ messages: [Message]) async throws {
        try await PostgresMessageTables.append(messages, connection: connection, logger: logger)
    }

    private func move(_ bookings: [BookingID], from: BookingStatus, to: BookingStatus, at: Date) async throws -> Set<BookingID> {
        var moved = Set<BookingID>()
        for try await id in try await connection.query(
            "UPDATE bookings SET status = \(to.rawValue), updated_at = \(at) WHERE status = \(from.rawValue) AND id = ANY(\(bookings.map(\.rawValue))) RETURNING id",
            logger: logger
        ).decode(UUID.self) {
            moved.insert(BookingID(rawValue: id))
        }
        return moved
    }

    func deleteClaims(of bookings: [BookingID]) async throws {
        try await connection.query("DELETE FROM seat_claims WHERE booking_id = ANY(\(bookings.map(\.rawValue)))", logger: logger)
    }

    func claimSeats(_ claims: [(seat: SeatID, booking: BookingID)], event: EventID) async throws -> [SeatID: BookingID] {
        var claimed: [SeatID: BookingID] = [:]
        for try await (seat, booking) in try await connection.query(
            """
            INSERT INTO seat_claims (seat_id, event_id, booking_id, status)
            SELECT seat, \(event.rawValue), booking, 'held' FROM UNNEST(\(claims.map(\.seat.rawValue)), \(claims.map(\.booking.rawValue))) AS t(seat, booking)
            ON CONFLICT (seat_id) DO NOTHING RETURNING seat_id, booking_id
            """,
            logger: logger
        ).decode((Int64, UUID).self) {
            claimed[SeatID(rawValue: seat)] = BookingID(rawValue: booking)
        }
        return claimed
    }

    func addHeld(_ quantity: Int, to pool: PoolID) async throws -> Bool {
        for try await _ in try await connection.query(
            "UPDATE ga_pools SET held = held + \(quantity) WHERE id = \(pool.rawValue) AND held + sold + \(quantity) <= capacity RETURNING id",
            logger: logger
        ).decode(Int64.self) {
            return true
        }
        return false
    }

    func removeHeld(_ quantity: Int, from pool: PoolID) async throws {
        try await connection.query("UPDATE ga_pools SET held = held - \(quantity) WHERE id = \(pool.rawValue)", logger: logger)
    }

    func insertBookings(_ bookings: [Booking]) async throws {
        try await connection.query(
            """
            INSERT INTO bookings (id, event_id, status, seat_ids, tickets, amount_minor, currency, user_identifier, expires_at, created_at, updated_at)
            SELECT id, event_id, 'held', seat_ids, tickets, amount_minor, currency, user_identifier, expires_at, created_at, created_at
            FROM UNNEST(\(bookings.map(\.id.rawValue)), \(bookings.map(\.eventID.rawValue)), \(bookings.map { BookingText.seats($0.seatIDs) }),
                \(bookings.map { BookingText.tickets($0.tickets) }), \(bookings.map(\.amountMinor)), \(bookings.map(\.currency.code)),
                \(bookings.map(\.userIdentifier)), \(bookings.map(\.expiresAt)), \(bookings.map(\.createdAt)))
                AS t(id, event_id, seat_ids, tickets, amount_minor, currency, user_identifier, expires_at, created_at)
            """,
            logger: logger
        )
    }
}

extension PostgresBookingStore {
    public func apply(_ changes: [InventoryChange], event: EventID) async throws -> [Bool] {
        let applied = try await Deadline.run(within: timeout) { [self] in
            try await client.withTransaction(logger: logger) { connection in
                // One writer per event across instances: batches queue here instead of deadlocking on rows. The
                // other instances are told in the same round trip; NOTIFY is delivered only if the batch commits
                // (one that ends up changing nothing costs them a needless re-read, which is rare and harmless).
                try await lockAndAnnounce(event, connection: connection)
                return try await BatchApplier.apply(changes, event: event, in: PostgresInventoryTransaction(connection: connection, logger: logger))
            }
        }
        if BatchApplier.writesOutbox(changes) { outboxWakeup.ring() }
        return applied
    }
}
