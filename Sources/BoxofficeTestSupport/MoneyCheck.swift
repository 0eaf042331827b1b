import Foundation

/// Reads both services' databases and reports every broken payment invariant (DESIGN.md §6, rules 2, 3 and 10):
/// no negative balance, every balance equal to its ledger, no booking charged twice, no booking given back more than it
/// paid, every credited refund in the ledger once with its amount, money conserved, and every successful payment ending
/// in a confirmed or refunded booking.
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
        var charged: [String: Int64] = [:]
        var refunded: [String: Int64] = [:]
        var ledgerRefunds: [String: Int64] = [:]
        for row in try await database.rows(
            "SELECT CAST(booking_id AS TEXT), kind, CAST(amount_minor AS TEXT), CAST(id AS TEXT) FROM ledger WHERE booking_id IS NOT NULL", of: .payments
        ) {
            let booking = row[0] ?? ""
            let amount = Int64(row[2] ?? "") ?? 0
            if row[1] == "charge" {
                charges[booking, default: 0] += 1
                charged[booking, default: 0] += -amount
            } else {
                refunded[booking, default: 0] += amount
                ledgerRefunds[(row[3] ?? "").lowercased()] = amount
            }
        }
        for (booking, count) in charges where count > 1 { problems.append("booking \(booking) was charged \(count) times") }
        for (booking, amount) in refunded where amount > (charged[booking] ?? 0) {
            problems.append("booking \(booking) got \(amount) back but was charged \(charged[booking] ?? 0)")
        }
        // Every refund the back office recorded as credited is one ledger entry (its id) of its amount: credited once.
        for row in try await database.rows("SELECT CAST(id AS TEXT), CAST(amount_minor AS TEXT), CAST(credited_at AS TEXT) FROM refunds") {
            let id = (row[0] ?? "").lowercased()
            guard row[2] != nil else { continue }
            if ledgerRefunds[id] != Int64(row[1] ?? "") { problems.append("refund \(id) of \(row[1] ?? "") reads credited, the ledger has \(ledgerRefunds[id].map(String.init) ?? "nothing")") }
        }

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
