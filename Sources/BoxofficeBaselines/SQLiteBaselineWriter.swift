import BoxofficeDomain
import BoxofficeSQLite
import BoxofficeStorage
import SQLiteNIO

extension SQLiteBookingStore: BaselineHoldWriter {
    /// One transaction and one fsync per request. SQLite has no row locks: `locking` adds the seed's
    /// "look first" read inside the write transaction (`BEGIN IMMEDIATE` is the lock).
    public func holdDirectly(_ booking: Booking, locking: Bool) async throws -> Bool {
        try await database.write { connection in
            if locking, !booking.seatIDs.isEmpty {
                let taken = try await connection.query(
                    "SELECT COUNT(*) AS n FROM seat_claims WHERE seat_id IN (\(Array(repeating: "?", count: booking.seatIDs.count).joined(separator: ", ")))",
                    booking.seatIDs.map { .integer(Int($0.rawValue)) }
                )
                guard taken.first?.column("n")?.integer == 0 else { return false }
            }
            let applied = try await BatchApplier.apply([.hold(booking)], event: booking.eventID, in: SQLiteInventoryTransaction(connection: connection))
            return applied.applied[0]
        }
    }
}
