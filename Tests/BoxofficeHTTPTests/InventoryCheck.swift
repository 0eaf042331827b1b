import BoxofficeSQLite
import Foundation
import SQLiteNIO

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

    static func run(_ database: SQLiteDatabaseFile) async throws -> InventoryCheck {
        var check = InventoryCheck()
        for row in try await database.read("SELECT id, status, seat_ids, tickets FROM bookings") {
            let booking = StoredBooking(
                id: row.column("id")?.string ?? "",
                status: row.column("status")?.string ?? "",
                seats: (row.column("seat_ids")?.string ?? "").split(separator: ",").compactMap { Int64($0) },
                tickets: (row.column("tickets")?.string ?? "").split(separator: ",").compactMap { pair in
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
        for row in try await database.read("SELECT seat_id, booking_id FROM seat_claims") {
            claims[row.column("seat_id")?.integer.map(Int64.init) ?? 0] = row.column("booking_id")?.string ?? ""
        }
        if claims != owner { check.violations.append("seat claims \(claims.count) do not match the seats of active bookings \(owner.count)") }

        var heldByPool: [Int64: Int] = [:]
        for booking in active where booking.status == "held" {
            for line in booking.tickets { heldByPool[line.pool, default: 0] += line.quantity }
        }
        for row in try await database.read("SELECT id, capacity, held, sold FROM ga_pools") {
            let id = Int64(row.column("id")?.integer ?? 0)
            let capacity = Int(row.column("capacity")?.integer ?? 0)
            let held = Int(row.column("held")?.integer ?? 0)
            let sold = Int(row.column("sold")?.integer ?? 0)
            if held + sold > capacity { check.violations.append("pool \(id) has \(held) held + \(sold) sold over capacity \(capacity)") }
            if held != heldByPool[id, default: 0] { check.violations.append("pool \(id) counts \(held) held, bookings hold \(heldByPool[id, default: 0])") }
        }
        return check
    }
}
