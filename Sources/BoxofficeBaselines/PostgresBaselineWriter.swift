import BoxofficeDomain
import BoxofficePostgres
import BoxofficeStorage
import Foundation
import PostgresNIO

extension PostgresBookingStore: BaselineHoldWriter {
    /// `baseline-lock`, the seed's design: per request `BEGIN`, lock the seats (an advisory lock per seat
    /// stands for the seed's `SELECT … FOR UPDATE` on a seat row), check, insert, `COMMIT`.
    /// `baseline-update`: a one-seat hold is one conditional statement in autocommit; anything larger is one
    /// transaction of conditional writes.
    public func holdDirectly(_ booking: Booking, locking: Bool) async throws -> Bool {
        try await Deadline.run(within: timeout) { [self] in
            if !locking, booking.seatIDs.count == 1, booking.tickets.isEmpty {
                return try await holdOneSeat(booking)
            }
            return try await client.withTransaction(logger: logger) { connection in
                if locking {
                    for seat in booking.seatIDs.sorted() {
                        try await connection.query("SELECT pg_advisory_xact_lock(\(seat.rawValue))", logger: logger)
                    }
                    for try await taken in try await connection.query(
                        "SELECT COUNT(*) FROM seat_claims WHERE seat_id = ANY(\(booking.seatIDs.map(\.rawValue)))", logger: logger
                    ).decode(Int.self) where taken > 0 {
                        return false
                    }
                }
                let transaction = PostgresInventoryTransaction(connection: connection, logger: logger)
                return try await BatchApplier.apply([.hold(booking)], event: booking.eventID, in: transaction).applied[0]
            }
        }
    }

    private func holdOneSeat(_ booking: Booking) async throws -> Bool {
        let rows = try await client.query(
            """
            WITH claim AS (
                INSERT INTO seat_claims (seat_id, event_id, booking_id, status)
                VALUES (\(booking.seatIDs[0].rawValue), \(booking.eventID.rawValue), \(booking.id.rawValue), 'held')
                ON CONFLICT (seat_id) DO NOTHING RETURNING booking_id)
            INSERT INTO bookings (id, event_id, status, seat_ids, tickets, amount_minor, currency, user_identifier, expires_at, created_at, updated_at)
            SELECT booking_id, \(booking.eventID.rawValue), 'held', \(BookingText.seats(booking.seatIDs)), '', \(booking.amountMinor),
                \(booking.currency.code), \(booking.userIdentifier), \(booking.expiresAt), \(booking.createdAt), \(booking.createdAt)
            FROM claim RETURNING id
            """,
            logger: logger
        )
        for try await _ in rows.decode(UUID.self) { return true }
        return false
    }
}
