import Foundation

/// Reads both services' databases and reports every broken payment invariant (DESIGN.md §6, rules 2 and 3):
/// no negative balance, every balance equal to its ledger, no booking charged twice, money conserved, and every
/// successful payment ending in a confirmed or refunded booking.
public enum MoneyCheck {
    /// The broken invariants; empty when all hold.
    public static func violations(_ database: TestDatabase) async throws -> [String] {
        var problems: [String] = []
        for row in try await database.rows(
            "SELECT CAST(id AS TEXT), CAST(balance_minor AS TEXT), CAST((SELECT COALESCE(SUM(amount_minor), 0) FROM ledger WHERE ledger.account_id = accounts.id) AS TEXT) FROM accounts",
            of: .payments
        ) {
            let balance = Int64(row[1] ?? "") ?? 0
            let ledger = Int64(row[2] ?? "") ?? 0
            if balance < 0 { problems.append("account \(row[0] ?? "") is negative: \(balance)") }
            if balance != ledger { problems.append("account \(row[0] ?? "") holds \(balance) but its ledger sums to \(ledger)") }
        }
        var charges: [String: Int] = [:]
        var refunds: [String: Int] = [:]
        for row in try await database.rows("SELECT CAST(booking_id AS TEXT), kind FROM ledger WHERE booking_id IS NOT NULL", of: .payments) {
            let booking = row[0] ?? ""
            if row[1] == "charge" { charges[booking, default: 0] += 1 } else { refunds[booking, default: 0] += 1 }
        }
        for (booking, count) in charges where count > 1 { problems.append("booking \(booking) was charged \(count) times") }
        for (booking, count) in refunds where count > (charges[booking] ?? 0) { problems.append("booking \(booking) was refunded more than charged") }

        var statuses: [String: String] = [:]
        for row in try await database.rows("SELECT CAST(id AS TEXT), status FROM bookings") { statuses[row[0] ?? ""] = row[1] ?? "" }
        for row in try await database.rows("SELECT CAST(booking_id AS TEXT), status FROM payments", of: .payments) {
            let booking = row[0] ?? ""
            let booked = statuses[booking] ?? "unknown"
            switch row[1] {
            case "succeeded" where booked != "confirmed" && booked != "refunded":
                problems.append("payment of \(booking) succeeded but the booking is \(booked)")
            case "succeeded" where booked == "refunded":
                problems.append("booking \(booking) reads refunded but its payment was not returned")
            case "refunded" where booked != "refunded":
                problems.append("payment of \(booking) was refunded but the booking is \(booked)")
            default:
                break
            }
        }
        return problems
    }

    /// Bookings not yet in a terminal state.
    public static func unfinishedBookings(_ database: TestDatabase) async throws -> Int {
        try await database.count("SELECT CAST(COUNT(*) AS TEXT) FROM bookings WHERE status IN ('held', 'payment_pending')")
    }
}
