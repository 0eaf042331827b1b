import BoxofficeDomain
import BoxofficePayments
import Foundation
import Logging
import PostgresNIO

/// Reads the payment service's rows into domain values, from a client or from a transaction's connection.
enum PostgresPaymentRows {
    /// The columns ``accounts(_:on:logger:)`` reads, in its order.
    static let accountColumns = "id, user_identifier, balance_minor, currency"
    /// The columns ``payments(_:on:logger:)`` reads, in its order.
    static let paymentColumns = "booking_id, account_id, amount_minor, currency, status, reason, refunded_minor"

    /// The wallets a query selecting ``accountColumns`` returns.
    static func accounts(_ query: PostgresQuery, on database: some PostgresQueryable, logger: Logger) async throws -> [Account] {
        var accounts: [Account] = []
        for try await (id, user, balance, currency) in try await database.run(query, logger: logger).decode((UUID, String, Int64, String).self) {
            guard let currency = Currency(currency) else { throw UnreadableRow(table: "accounts") }
            accounts.append(Account(id: id, userIdentifier: user, balanceMinor: balance, currency: currency))
        }
        return accounts
    }

    /// The wallets in rows of ``accountColumns`` (a prepared statement's).
    static func accounts(in rows: [PostgresRow]) throws -> [Account] {
        try rows.map { row in
            let (id, user, balance, currency) = try row.decode((UUID, String, Int64, String).self)
            guard let currency = Currency(currency) else { throw UnreadableRow(table: "accounts") }
            return Account(id: id, userIdentifier: user, balanceMinor: balance, currency: currency)
        }
    }

    /// The payments in rows of ``paymentColumns`` (a prepared statement's).
    static func payments(in rows: [PostgresRow]) throws -> [Payment] {
        try rows.map { row in
            let (booking, account, amount, currency, status, reason, refunded) = try row.decode((UUID, UUID?, Int64, String, String, String?, Int64).self)
            guard let status = Payment.Status(rawValue: status) else { throw UnreadableRow(table: "payments") }
            return Payment(bookingID: booking, accountID: account, amountMinor: amount, currency: currency, status: status, reason: reason, refundedMinor: refunded)
        }
    }

    /// The payments a query selecting ``paymentColumns`` returns.
    static func payments(_ query: PostgresQuery, on database: some PostgresQueryable, logger: Logger) async throws -> [Payment] {
        var payments: [Payment] = []
        for try await (booking, account, amount, currency, status, reason, refunded) in try await database.run(query, logger: logger)
            .decode((UUID, UUID?, Int64, String, String, String?, Int64).self) {
            guard let status = Payment.Status(rawValue: status) else { throw UnreadableRow(table: "payments") }
            payments.append(Payment(
                bookingID: booking, accountID: account, amountMinor: amount, currency: currency, status: status, reason: reason, refundedMinor: refunded
            ))
        }
        return payments
    }
}

/// What runs a query: a client (a pooled connection) or one connection inside a transaction.
protocol PostgresQueryable: Sendable {
    /// Runs a query.
    func run(_ query: PostgresQuery, logger: Logger) async throws -> PostgresRowSequence
    /// Runs a prepared statement (see ``PreparedSQL``).
    @discardableResult
    func runPrepared<Text: PreparedSQL>(_ text: Text.Type, _ bindings: PostgresBindings, logger: Logger) async throws -> [PostgresRow]
}

extension PostgresClient: PostgresQueryable {
    func run(_ query: PostgresQuery, logger: Logger) async throws -> PostgresRowSequence {
        try await self.query(query, logger: logger)
    }
}

extension PostgresConnection: PostgresQueryable {
    func run(_ query: PostgresQuery, logger: Logger) async throws -> PostgresRowSequence {
        try await self.query(query, logger: logger)
    }
}

/// A stored row does not hold what its table promises; never mistaken for no row.
struct UnreadableRow: Error, CustomStringConvertible {
    let table: String
    var description: String { "a row of \(table) cannot be read" }
}
