import BoxofficeTestSupport
import Foundation

/// Reads the booking database and reports every broken inventory invariant (DESIGN.md §6, rule 1).
struct InventoryCheck {
    /// An active booking as stored.
    struct StoredBooking {
        let id: String
        let status: String
        let seats: [Int64]
        let tickets: [(pool: Int64, quantity: Int)]
    }

    var bookings: [String: StoredBooking] = [:]
    var violations: [String] = []

    static func run(_ database: TestDatabase) async throws -> InventoryCheck {
        var check = InventoryCheck()
        for row in try await database.rows("SELECT CAST(id AS TEXT), status, seat_ids, tickets FROM bookings") {
            let booking = StoredBooking(
                id: row[0] ?? "",
                status: row[1] ?? "",
                seats: (row[2] ?? "").split(separator: ",").compactMap { Int64($0) },
                tickets: (row[3] ?? "").split(separator: ",").compactMap { pair in
                    let parts = pair.split(separator: ":").compactMap { Int64($0) }
                    return parts.count == 2 ? (parts[0], Int(parts[1])) : nil
                }
            )
            check.bookings[booking.id] = booking
        }
        let active = check.bookings.values.filter { ["held", "payment_pending", "confirmed"].contains($0.status) }

        var owner: [Int64: String] = [:]
        for booking in active {
            for seat in booking.seats {
                if let other = owner[seat] { check.violations.append("seat \(seat) is in bookings \(other) and \(booking.id)") }
                owner[seat] = booking.id
            }
        }
        var claims: [Int64: String] = [:]
        for row in try await database.rows("SELECT CAST(seat_id AS TEXT), CAST(booking_id AS TEXT) FROM seat_claims") {
            claims[Int64(row[0] ?? "") ?? 0] = row[1] ?? ""
        }
        if claims != owner { check.violations.append("seat claims \(claims.count) do not match the seats of active bookings \(owner.count)") }

        var heldByPool: [Int64: Int] = [:]
        for booking in active where booking.status == "held" {
            for line in booking.tickets { heldByPool[line.pool, default: 0] += line.quantity }
        }
        for row in try await database.rows("SELECT CAST(id AS TEXT), CAST(capacity AS TEXT), CAST(held AS TEXT), CAST(sold AS TEXT) FROM ga_pools") {
            let numbers = row.map { Int($0 ?? "") ?? 0 }
            let (id, capacity, held, sold) = (Int64(numbers[0]), numbers[1], numbers[2], numbers[3])
            if held + sold > capacity { check.violations.append("pool \(id) has \(held) held + \(sold) sold over capacity \(capacity)") }
            if held != heldByPool[id, default: 0] { check.violations.append("pool \(id) counts \(held) held, bookings hold \(heldByPool[id, default: 0])") }
        }
        return check
    }
}
