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

    func recordInbox(_ messages: [UUID], at: Date) async throws -> Set<UUID> {
        try await PostgresMessageTables.record(messages, connection: connection, logger: logger)
    }

    func lockPayments(of bookings: Set<UUID>) async throws -> [UUID: Payment] {
        let payments = try PostgresPaymentRows.payments(in: try await connection.runPrepared(LockPayments.self, try PostgresBindings(Array(bookings)), logger: logger))
        return Dictionary(payments.map { ($0.bookingID, $0) }) { first, _ in first }
    }

    private enum LockPayments: PreparedSQL {
        static let sql = "SELECT \(PostgresPaymentRows.paymentColumns) FROM payments WHERE booking_id = ANY($1::uuid[]) FOR UPDATE"
    }

    /// Locks in id order, so concurrent batches on other instances never wait for each other in a cycle.
    func lockAccounts(ofUsers users: Set<String>) async throws -> [String: Account] {
        let accounts = try PostgresPaymentRows.accounts(in: try await connection.runPrepared(LockAccounts.self, try PostgresBindings(Array(users)), logger: logger))
        return Dictionary(accounts.map { ($0.userIdentifier, $0) }) { first, _ in first }
    }

    private enum LockAccounts: PreparedSQL {
        static let sql = "SELECT \(PostgresPaymentRows.accountColumns) FROM accounts WHERE user_identifier = ANY($1::text[]) ORDER BY id FOR UPDATE"
    }

    func account(_ id: UUID) async throws -> Account? {
        try await PostgresPaymentRows.accounts("SELECT \(unescaped: PostgresPaymentRows.accountColumns) FROM accounts WHERE id = \(id)", on: connection, logger: logger).first
    }

    func recordDepositKey(_ key: String, account: UUID, entry: UUID, at: Date) async throws -> Bool {
        try await returnsRow(
            "INSERT INTO deposit_keys (account_id, key, entry_id, created_at) VALUES (\(account), \(key), \(entry), \(at)) ON CONFLICT DO NOTHING RETURNING 1"
        )
    }

    func depositEntry(forKey key: String, account: UUID) async throws -> LedgerEntry? {
        let rows = try await connection.query(
            """
            SELECT l.id, l.kind, l.amount_minor, l.balance_after_minor, l.booking_id, l.created_at
            FROM deposit_keys k JOIN ledger l ON l.id = k.entry_id WHERE k.account_id = \(account) AND k.key = \(key)
            """,
            logger: logger
        )
        for try await (id, kind, amount, balance, booking, at) in rows.decode((UUID, String, Int64, Int64, UUID?, Date).self) {
            guard let kind = LedgerEntry.Kind(rawValue: kind) else { throw UnreadableRow(table: "ledger") }
            return LedgerEntry(id: id, accountID: account, kind: kind, amountMinor: amount, balanceAfterMinor: balance, bookingID: booking, createdAt: at)
        }
        return nil
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

    func debit(_ amounts: [(account: UUID, amountMinor: Int64)]) async throws -> [UUID: Account] {
        let rows = try await connection.runPrepared(Debit.self, try PostgresBindings(amounts.map(\.account), amounts.map(\.amountMinor)), logger: logger)
        return Dictionary(uniqueKeysWithValues: try PostgresPaymentRows.accounts(in: rows).map { ($0.id, $0) })
    }

    private enum Debit: PreparedSQL {
        static let sql = """
            UPDATE accounts AS a SET balance_minor = a.balance_minor - d.amount
            FROM UNNEST($1::uuid[], $2::int8[]) AS d(id, amount)
            WHERE a.id = d.id AND a.balance_minor >= d.amount
            RETURNING a.id, a.user_identifier, a.balance_minor, a.currency
            """
    }

    func credit(_ amountMinor: Int64, to account: UUID) async throws -> Account? {
        try await PostgresPaymentRows.accounts(
            "UPDATE accounts SET balance_minor = balance_minor + \(amountMinor) WHERE id = \(account) RETURNING \(unescaped: PostgresPaymentRows.accountColumns)",
            on: connection, logger: logger
        ).first
    }

    func insertPayments(_ payments: [Payment], at: Date) async throws -> Set<UUID> {
        guard !payments.isEmpty else { return [] }
        let rows = try await connection.runPrepared(
            InsertPayments.self,
            try PostgresBindings(
                at, payments.map(\.bookingID), payments.map { $0.accountID?.uuidString ?? "" }, payments.map(\.amountMinor),
                payments.map(\.currency), payments.map(\.status.rawValue), payments.map { $0.reason ?? "" }
            ),
            logger: logger
        )
        return Set(try rows.map { try $0.decode(UUID.self) })
    }

    private enum InsertPayments: PreparedSQL {
        static let sql = """
            INSERT INTO payments (booking_id, account_id, amount_minor, currency, status, reason, created_at, updated_at)
            SELECT p.booking, NULLIF(p.account, '')::uuid, p.amount, p.currency, p.status, NULLIF(p.reason, ''), $1, $1
            FROM UNNEST($2::uuid[], $3::text[], $4::int8[], $5::text[], $6::text[], $7::text[]) AS p(booking, account, amount, currency, status, reason)
            ON CONFLICT (booking_id) DO NOTHING RETURNING booking_id
            """
    }

    func recordRefund(_ amountMinor: Int64, of booking: UUID, at: Date) async throws -> Payment {
        let payments = try await PostgresPaymentRows.payments(
            """
            UPDATE payments SET refunded_minor = refunded_minor + \(amountMinor),
                status = CASE WHEN refunded_minor + \(amountMinor) = amount_minor THEN \(Payment.Status.refunded.rawValue) ELSE status END,
                updated_at = \(at)
            WHERE booking_id = \(booking) RETURNING \(unescaped: PostgresPaymentRows.paymentColumns)
            """,
            on: connection, logger: logger
        )
        guard let payment = payments.first else { throw UnreadableRow(table: "payments") }
        return payment
    }

    func appendLedger(_ entries: [LedgerEntry]) async throws {
        guard !entries.isEmpty else { return }
        try await connection.runPrepared(
            AppendLedger.self,
            try PostgresBindings(
                entries.map(\.id), entries.map(\.accountID), entries.map(\.kind.rawValue), entries.map(\.amountMinor),
                entries.map(\.balanceAfterMinor), entries.map { $0.bookingID?.uuidString ?? "" }, entries.map(\.createdAt)
            ),
            logger: logger
        )
    }

    private enum AppendLedger: PreparedSQL {
        static let sql = """
            INSERT INTO ledger (id, account_id, kind, amount_minor, balance_after_minor, booking_id, created_at)
            SELECT e.id, e.account, e.kind, e.amount, e.balance, NULLIF(e.booking, '')::uuid, e.at
            FROM UNNEST($1::uuid[], $2::uuid[], $3::text[], $4::int8[], $5::int8[], $6::text[], $7::timestamptz[])
                AS e(id, account, kind, amount, balance, booking, at)
            """
    }

    func appendOutbox(_ messages: [Message]) async throws {
        try await PostgresMessageTables.append(messages, connection: connection, logger: logger)
    }

    func recordRevocations(_ revocations: [TokenRevocation], at: Date) async throws {
        try await connection.query(
            """
            INSERT INTO token_revocations (kind, subject, until)
            SELECT * FROM UNNEST(\(revocations.map(\.kind.rawValue)), \(revocations.map(\.subject)), \(revocations.map(\.until)))
            ON CONFLICT (kind, subject) DO UPDATE SET until = GREATEST(token_revocations.until, excluded.until)
            """,
            logger: logger
        )
        try await connection.query("DELETE FROM token_revocations WHERE until < \(at)", logger: logger)
    }

    private func returnsRow(_ query: PostgresQuery) async throws -> Bool {
        for try await _ in try await connection.query(query, logger: logger) { return true }
        return false
    }
}
