import BoxofficeDomain
import BoxofficeMessaging
import BoxofficePayments
import Foundation
import SQLiteNIO

/// The payment service's primitive writes in SQLite, on the writer connection inside an open transaction.
///
/// SQLite lets one writer in at a time (`BEGIN IMMEDIATE`), so reading a payment inside the transaction already
/// keeps any other delivery of the same request out until commit.
struct SQLitePaymentTransaction: PaymentTransaction {
    let connection: SQLiteConnection

    func recordInbox(_ messages: [UUID], at: Date) async throws -> Set<UUID> {
        try await SQLiteMessageTables.record(messages, at: at, connection: connection)
    }

    func lockPayments(of bookings: Set<UUID>) async throws -> [UUID: Payment] {
        var payments: [UUID: Payment] = [:]
        for chunk in Array(bookings).chunked(by: SQLiteInventoryTransaction.chunkSize) {
            for row in try await connection.query(
                "SELECT * FROM payments WHERE booking_id IN (\(ColumnCoding.placeholders(chunk.count)))", chunk.map { .text($0.lowercased) }
            ) {
                let payment = try SQLitePaymentRows.payment(from: row)
                payments[payment.bookingID] = payment
            }
        }
        return payments
    }

    func lockAccounts(ofUsers users: Set<String>) async throws -> [String: Account] {
        var accounts: [String: Account] = [:]
        for chunk in Array(users).chunked(by: SQLiteInventoryTransaction.chunkSize) {
            for row in try await connection.query(
                "SELECT * FROM accounts WHERE user_identifier IN (\(ColumnCoding.placeholders(chunk.count)))", chunk.map { .text($0) }
            ) {
                let account = try SQLitePaymentRows.account(from: row)
                accounts[account.userIdentifier] = account
            }
        }
        return accounts
    }

    func account(_ id: UUID) async throws -> Account? {
        try await connection.query("SELECT * FROM accounts WHERE id = ?", [.text(id.lowercased)]).first.map(SQLitePaymentRows.account(from:))
    }

    func recordDepositKey(_ key: String, account: UUID, entry: UUID, at: Date) async throws -> Bool {
        !(try await connection.query(
            "INSERT INTO deposit_keys (account_id, key, entry_id, created_at) VALUES (?, ?, ?, ?) ON CONFLICT DO NOTHING RETURNING key",
            [.text(account.lowercased), .text(key), .text(entry.lowercased), ColumnCoding.millis(at)]
        )).isEmpty
    }

    func depositEntry(forKey key: String, account: UUID) async throws -> LedgerEntry? {
        try await connection.query(
            "SELECT ledger.* FROM deposit_keys JOIN ledger ON ledger.id = deposit_keys.entry_id WHERE deposit_keys.account_id = ? AND deposit_keys.key = ?",
            [.text(account.lowercased), .text(key)]
        ).first.map(SQLitePaymentRows.entry(from:))
    }

    func account(ofUser user: String) async throws -> Account? {
        try await connection.query("SELECT * FROM accounts WHERE user_identifier = ?", [.text(user)]).first.map(SQLitePaymentRows.account(from:))
    }

    func insertAccount(_ account: Account, at: Date) async throws -> Bool {
        let rows = try await connection.query(
            """
            INSERT INTO accounts (id, user_identifier, balance_minor, currency, created_at) VALUES (?, ?, ?, ?, ?)
            ON CONFLICT (user_identifier) DO NOTHING RETURNING id
            """,
            [.text(account.id.lowercased), .text(account.userIdentifier), ColumnCoding.int(account.balanceMinor), .text(account.currency.code), ColumnCoding.millis(at)]
        )
        return !rows.isEmpty
    }

    func debit(_ amounts: [(account: UUID, amountMinor: Int64)]) async throws -> [UUID: Account] {
        var accounts: [UUID: Account] = [:]
        for (account, amount) in amounts {
            guard let row = try await connection.query(
                "UPDATE accounts SET balance_minor = balance_minor - ? WHERE id = ? AND balance_minor >= ? RETURNING *",
                [ColumnCoding.int(amount), .text(account.lowercased), ColumnCoding.int(amount)]
            ).first else { continue }
            accounts[account] = try SQLitePaymentRows.account(from: row)
        }
        return accounts
    }

    func credit(_ amountMinor: Int64, to account: UUID) async throws -> Account? {
        try await connection.query(
            "UPDATE accounts SET balance_minor = balance_minor + ? WHERE id = ? RETURNING *", [ColumnCoding.int(amountMinor), .text(account.lowercased)]
        ).first.map(SQLitePaymentRows.account(from:))
    }

    func insertPayments(_ payments: [Payment], at: Date) async throws -> Set<UUID> {
        var inserted = Set<UUID>()
        for payment in payments {
            let rows = try await connection.query(
                """
                INSERT INTO payments (booking_id, account_id, amount_minor, currency, status, reason, created_at, updated_at)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (booking_id) DO NOTHING RETURNING booking_id
                """,
                [
                    .text(payment.bookingID.lowercased), payment.accountID.map { .text($0.lowercased) } ?? .null, ColumnCoding.int(payment.amountMinor),
                    .text(payment.currency), .text(payment.status.rawValue), payment.reason.map(SQLiteData.text) ?? .null, ColumnCoding.millis(at), ColumnCoding.millis(at),
                ]
            )
            if !rows.isEmpty { inserted.insert(payment.bookingID) }
        }
        return inserted
    }

    func recordRefund(_ amountMinor: Int64, of booking: UUID, at: Date) async throws -> Payment {
        let rows = try await connection.query(
            """
            UPDATE payments SET refunded_minor = refunded_minor + ?,
                status = CASE WHEN refunded_minor + ? = amount_minor THEN ? ELSE status END, updated_at = ?
            WHERE booking_id = ? RETURNING *
            """,
            [
                ColumnCoding.int(amountMinor), ColumnCoding.int(amountMinor), .text(Payment.Status.refunded.rawValue), ColumnCoding.millis(at),
                .text(booking.lowercased),
            ]
        )
        guard let row = rows.first else { throw UnreadableRow(table: "payments") }
        return try SQLitePaymentRows.payment(from: row)
    }

    func appendLedger(_ entries: [LedgerEntry]) async throws {
        for entry in entries {
            _ = try await connection.query(
                "INSERT INTO ledger (id, account_id, kind, amount_minor, balance_after_minor, booking_id, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
                [
                    .text(entry.id.lowercased), .text(entry.accountID.lowercased), .text(entry.kind.rawValue), ColumnCoding.int(entry.amountMinor),
                    ColumnCoding.int(entry.balanceAfterMinor), entry.bookingID.map { .text($0.lowercased) } ?? .null, ColumnCoding.millis(entry.createdAt),
                ]
            )
        }
    }

    func appendOutbox(_ messages: [Message]) async throws {
        try await SQLiteMessageTables.append(messages, connection: connection)
    }

    func recordRevocations(_ revocations: [TokenRevocation], at: Date) async throws {
        for revocation in revocations {
            _ = try await connection.query(
                """
                INSERT INTO token_revocations (kind, subject, until) VALUES (?, ?, ?)
                ON CONFLICT (kind, subject) DO UPDATE SET until = MAX(token_revocations.until, excluded.until)
                """,
                [.text(revocation.kind.rawValue), .text(revocation.subject.lowercased), ColumnCoding.millis(revocation.until)]
            )
        }
        _ = try await connection.query("DELETE FROM token_revocations WHERE until < ?", [ColumnCoding.millis(at)])
    }
}
