import BoxofficeDomain
import BoxofficePayments
import Foundation
import SQLiteNIO

/// Reads the payment service's rows (`SELECT *` of each table) into domain values; a row that cannot be read is an
/// error, never mistaken for no row (a debit that returned an unreadable row has still taken the money).
enum SQLitePaymentRows {
    /// A row of `accounts`.
    static func account(from row: SQLiteRow) throws -> Account {
        guard let id = row.column("id")?.string.flatMap(UUID.init(uuidString:)), let currency = row.column("currency")?.string.flatMap(Currency.init) else {
            throw UnreadableRow(table: "accounts")
        }
        return Account(id: id, userIdentifier: row.column("user_identifier")?.string ?? "", balanceMinor: Int64(row.column("balance_minor")?.integer ?? 0), currency: currency)
    }

    /// A row of `ledger`.
    static func entry(from row: SQLiteRow) throws -> LedgerEntry {
        guard let id = row.column("id")?.string.flatMap(UUID.init(uuidString:)),
              let account = row.column("account_id")?.string.flatMap(UUID.init(uuidString:)),
              let kind = row.column("kind")?.string.flatMap(LedgerEntry.Kind.init(rawValue:)) else { throw UnreadableRow(table: "ledger") }
        return LedgerEntry(
            id: id, accountID: account, kind: kind, amountMinor: Int64(row.column("amount_minor")?.integer ?? 0),
            balanceAfterMinor: Int64(row.column("balance_after_minor")?.integer ?? 0),
            bookingID: row.column("booking_id")?.string.flatMap(UUID.init(uuidString:)), createdAt: ColumnCoding.date(row.column("created_at"))
        )
    }

    /// A row of `payments`.
    static func payment(from row: SQLiteRow) throws -> Payment {
        guard let booking = row.column("booking_id")?.string.flatMap(UUID.init(uuidString:)),
              let status = row.column("status")?.string.flatMap(Payment.Status.init(rawValue:)) else { throw UnreadableRow(table: "payments") }
        return Payment(
            bookingID: booking, accountID: row.column("account_id")?.string.flatMap(UUID.init(uuidString:)),
            amountMinor: Int64(row.column("amount_minor")?.integer ?? 0), currency: row.column("currency")?.string ?? "",
            status: status, reason: row.column("reason")?.string, refundedMinor: Int64(row.column("refunded_minor")?.integer ?? 0)
        )
    }
}

/// A stored row does not hold what its table promises.
struct UnreadableRow: Error, CustomStringConvertible {
    let table: String
    var description: String { "a row of \(table) cannot be read" }
}
