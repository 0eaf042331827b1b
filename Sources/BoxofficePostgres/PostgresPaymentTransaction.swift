import BoxofficeDomain
import BoxofficeMessaging
import BoxofficePayments
import Foundation
import Logging
import PostgresNIO

/// The payment service's primitive writes in PostgreSQL, on one connection inside an open transaction.
struct PostgresPaymentTransaction: PaymentTransaction {
    let connection: PostgresConnection
    let logger: Logger

    func recordInbox(_ message: UUID, at: Date) async throws -> Bool {
        try await PostgresMessageTables.record([message], connection: connection, logger: logger).count == 1
    }

    func lockPayment(of booking: UUID) async throws -> Payment? {
        try await PostgresPaymentRows.payments(
            "SELECT \(unescaped: PostgresPaymentRows.paymentColumns) FROM payments WHERE booking_id = \(booking) FOR UPDATE", on: connection, logger: logger
        ).first
    }

    func account(ofUser user: String) async throws -> Account? {
        try await PostgresPaymentRows.accounts(
            "SELECT \(unescaped: PostgresPaymentRows.accountColumns) FROM accounts WHERE user_identifier = \(user)", on: connection, logger: logger
        ).first
    }

    func insertAccount(_ account: Account, at: Date) async throws -> Bool {
        try await returnsRow(
            """
            INSERT INTO accounts (id, user_identifier, balance_minor, currency, created_at)
            VALUES (\(account.id), \(account.userIdentifier), \(account.balanceMinor), \(account.currency.code), \(at))
            ON CONFLICT (user_identifier) DO NOTHING RETURNING 1
            """
        )
    }

    func debit(_ amountMinor: Int64, from account: UUID) async throws -> Account? {
        try await PostgresPaymentRows.accounts(
            """
            UPDATE accounts SET balance_minor = balance_minor - \(amountMinor) WHERE id = \(account) AND balance_minor >= \(amountMinor)
            RETURNING \(unescaped: PostgresPaymentRows.accountColumns)
            """,
            on: connection, logger: logger
        ).first
    }

    func credit(_ amountMinor: Int64, to account: UUID) async throws -> Account? {
        try await PostgresPaymentRows.accounts(
            "UPDATE accounts SET balance_minor = balance_minor + \(amountMinor) WHERE id = \(account) RETURNING \(unescaped: PostgresPaymentRows.accountColumns)",
            on: connection, logger: logger
        ).first
    }

    func insertPayment(_ payment: Payment, at: Date) async throws -> Bool {
        try await returnsRow(
            """
            INSERT INTO payments (booking_id, account_id, amount_minor, currency, status, reason, created_at, updated_at)
            VALUES (\(payment.bookingID), \(payment.accountID), \(payment.amountMinor), \(payment.currency), \(payment.status.rawValue), \(payment.reason), \(at), \(at))
            ON CONFLICT (booking_id) DO NOTHING RETURNING 1
            """
        )
    }

    func markRefunded(booking: UUID, at: Date) async throws -> Payment? {
        try await PostgresPaymentRows.payments(
            """
            UPDATE payments SET status = \(Payment.Status.refunded.rawValue), updated_at = \(at)
            WHERE booking_id = \(booking) AND status = \(Payment.Status.succeeded.rawValue) RETURNING \(unescaped: PostgresPaymentRows.paymentColumns)
            """,
            on: connection, logger: logger
        ).first
    }

    func appendLedger(_ entry: LedgerEntry) async throws {
        try await connection.query(
            """
            INSERT INTO ledger (id, account_id, kind, amount_minor, balance_after_minor, booking_id, created_at)
            VALUES (\(entry.id), \(entry.accountID), \(entry.kind.rawValue), \(entry.amountMinor), \(entry.balanceAfterMinor), \(entry.bookingID), \(entry.createdAt))
            """,
            logger: logger
        )
    }

    func appendOutbox(_ messages: [Message]) async throws {
        try await PostgresMessageTables.append(messages, connection: connection, logger: logger)
    }

    private func returnsRow(_ query: PostgresQuery) async throws -> Bool {
        for try await _ in try await connection.query(query, logger: logger) { return true }
        return false
    }
}
