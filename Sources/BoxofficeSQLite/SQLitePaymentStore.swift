import BoxofficeDomain
import BoxofficeMessaging
import BoxofficePayments
import BoxofficeStorage
import Foundation
import Logging
import SQLiteNIO

/// The payment service's store on its own SQLite file.
public struct SQLitePaymentStore: PaymentStore {
    /// The store's database file.
    public let database: SQLiteDatabaseFile

    /// Wraps an open database file; run ``migrate(logger:)`` before use.
    public init(database: SQLiteDatabaseFile) {
        self.database = database
    }

    /// Brings the schema up to date.
    @discardableResult
    public func migrate(logger: Logger) async throws -> [Int] {
        try await SQLiteMigrator(database: database, migrations: PaymentSchema.migrations, logger: logger).migrate()
    }

    public func createAccount(userIdentifier: String, currency: Currency) async throws -> (Account, created: Bool) {
        try await database.write { connection in
            if let existing = try await Self.account(where: "user_identifier = ?", .text(userIdentifier), connection: connection) {
                return (existing, false)
            }
            let account = Account(id: UUID(), userIdentifier: userIdentifier, balanceMinor: 0, currency: currency)
            _ = try await connection.query(
                "INSERT INTO accounts (id, user_identifier, balance_minor, currency, created_at) VALUES (?, ?, 0, ?, ?)",
                [.text(Self.text(account.id)), .text(userIdentifier), .text(currency.code), ColumnCoding.millis(Date())]
            )
            return (account, true)
        }
    }

    public func account(_ id: UUID) async throws -> Account? {
        let rows = try await database.read("SELECT * FROM accounts WHERE id = ?", [.text(Self.text(id))])
        return rows.first.flatMap(Self.account(from:))
    }

    public func account(forUser user: String) async throws -> Account? {
        try await database.read("SELECT * FROM accounts WHERE user_identifier = ?", [.text(user)]).first.flatMap(Self.account(from:))
    }

    public func deposit(_ amountMinor: Int64, into accountID: UUID, at: Date) async throws -> LedgerEntry? {
        try await database.write { connection in
            let rows = try await connection.query(
                "UPDATE accounts SET balance_minor = balance_minor + ? WHERE id = ? RETURNING balance_minor",
                [ColumnCoding.int(amountMinor), .text(Self.text(accountID))]
            )
            guard let balance = rows.first?.column("balance_minor")?.integer else { return nil }
            return try await Self.appendLedger(accountID, kind: .deposit, amount: amountMinor, balance: Int64(balance), booking: nil, at: at, connection: connection)
        }
    }

    public func ledger(of accountID: UUID) async throws -> [LedgerEntry] {
        try await database.read("SELECT * FROM ledger WHERE account_id = ? ORDER BY created_at, rowid", [.text(Self.text(accountID))])
            .compactMap(Self.entry(from:))
    }

    public func payment(for booking: UUID) async throws -> Payment? {
        let rows = try await database.read("SELECT * FROM payments WHERE booking_id = ?", [.text(Self.text(booking))])
        guard let row = rows.first, let status = row.column("status")?.string.flatMap(Payment.Status.init(rawValue:)) else { return nil }
        return Payment(
            bookingID: booking, accountID: row.column("account_id")?.string.flatMap(UUID.init(uuidString:)),
            amountMinor: Int64(row.column("amount_minor")?.integer ?? 0), status: status, reason: row.column("reason")?.string
        )
    }

    public func handle(_ request: PaymentRequested, message: UUID, at: Date) async throws -> Bool {
        try await database.write { connection in
            guard try await SQLiteMessageTables.record([message], at: at, connection: connection).count == 1 else { return false }
            let booking = Self.text(request.bookingId)
            if let previous = try await connection.query("SELECT status, reason FROM payments WHERE booking_id = ?", [.text(booking)]).first {
                // The booking was charged (or refused) before: say the same outcome again, charge nothing.
                let outcome = try Self.outcome(of: request, status: previous.column("status")?.string ?? "", reason: previous.column("reason")?.string, at: at)
                try await SQLiteMessageTables.append([outcome], connection: connection)
                return true
            }
            let (accountID, failure) = try await charge(request, at: at, connection: connection)
            _ = try await connection.query(
                "INSERT INTO payments (booking_id, account_id, amount_minor, currency, status, reason, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                [
                    .text(booking), accountID.map { .text(Self.text($0)) } ?? .null, ColumnCoding.int(request.amountMinor), .text(request.currency),
                    .text(failure == nil ? "succeeded" : "failed"), failure.map(SQLiteData.text) ?? .null, ColumnCoding.millis(at), ColumnCoding.millis(at),
                ]
            )
            let outcome = try Self.outcome(of: request, status: failure == nil ? "succeeded" : "failed", reason: failure, at: at)
            try await SQLiteMessageTables.append([outcome], connection: connection)
            return true
        }
    }

    public func handle(_ request: RefundRequested, message: UUID, at: Date) async throws -> Bool {
        try await database.write { connection in
            guard try await SQLiteMessageTables.record([message], at: at, connection: connection).count == 1 else { return false }
            let booking = Self.text(request.bookingId)
            let rows = try await connection.query(
                "UPDATE payments SET status = 'refunded', updated_at = ? WHERE booking_id = ? AND status = 'succeeded' RETURNING account_id, amount_minor",
                [ColumnCoding.millis(at), .text(booking)]
            )
            guard let row = rows.first, let account = row.column("account_id")?.string.flatMap(UUID.init(uuidString:)) else { return true }
            let amount = Int64(row.column("amount_minor")?.integer ?? 0)
            let balance = try await connection.query(
                "UPDATE accounts SET balance_minor = balance_minor + ? WHERE id = ? RETURNING balance_minor", [ColumnCoding.int(amount), .text(Self.text(account))]
            )
            _ = try await Self.appendLedger(
                account, kind: .refund, amount: amount, balance: Int64(balance.first?.column("balance_minor")?.integer ?? 0),
                booking: request.bookingId, at: at, connection: connection
            )
            try await SQLiteMessageTables.append([try Message(PaymentRefunded(bookingId: request.bookingId, amountMinor: amount), at: at)], connection: connection)
            return true
        }
    }

    /// Charges the customer's wallet if it holds enough in the right currency.
    /// - Returns: the wallet found, and the failure reason when nothing was charged.
    private func charge(_ request: PaymentRequested, at: Date, connection: SQLiteConnection) async throws -> (UUID?, String?) {
        guard let account = try await Self.account(where: "user_identifier = ?", .text(request.userIdentifier), connection: connection) else {
            return (nil, PaymentFailureReason.noAccount(request.userIdentifier))
        }
        guard account.currency.code == request.currency else {
            return (account.id, PaymentFailureReason.currencyMismatch(wallet: account.currency.code, price: request.currency))
        }
        let rows = try await connection.query(
            "UPDATE accounts SET balance_minor = balance_minor - ? WHERE id = ? AND balance_minor >= ? RETURNING balance_minor",
            [ColumnCoding.int(request.amountMinor), .text(Self.text(account.id)), ColumnCoding.int(request.amountMinor)]
        )
        guard let balance = rows.first?.column("balance_minor")?.integer else { return (account.id, PaymentFailureReason.insufficientFunds) }
        _ = try await Self.appendLedger(account.id, kind: .charge, amount: -request.amountMinor, balance: Int64(balance), booking: request.bookingId, at: at, connection: connection)
        return (account.id, nil)
    }

    private static func outcome(of request: PaymentRequested, status: String, reason: String?, at: Date) throws -> Message {
        status == "failed"
            ? try Message(PaymentFailed(bookingId: request.bookingId, reason: reason ?? ""), at: at)
            : try Message(PaymentSucceeded(bookingId: request.bookingId, amountMinor: request.amountMinor, currency: request.currency), at: at)
    }

    private static func appendLedger(_ account: UUID, kind: LedgerEntry.Kind, amount: Int64, balance: Int64, booking: UUID?, at: Date, connection: SQLiteConnection) async throws -> LedgerEntry {
        let entry = LedgerEntry(id: UUID(), accountID: account, kind: kind, amountMinor: amount, balanceAfterMinor: balance, bookingID: booking, createdAt: at)
        _ = try await connection.query(
            "INSERT INTO ledger (id, account_id, kind, amount_minor, balance_after_minor, booking_id, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
            [
                .text(text(entry.id)), .text(text(account)), .text(kind.rawValue), ColumnCoding.int(amount), ColumnCoding.int(balance),
                booking.map { .text(text($0)) } ?? .null, ColumnCoding.millis(at),
            ]
        )
        return entry
    }

    private static func account(where condition: String, _ value: SQLiteData, connection: SQLiteConnection) async throws -> Account? {
        try await connection.query("SELECT * FROM accounts WHERE \(condition)", [value]).first.flatMap(account(from:))
    }

    private static func account(from row: SQLiteRow) -> Account? {
        guard let id = row.column("id")?.string.flatMap(UUID.init(uuidString:)), let currency = row.column("currency")?.string.flatMap(Currency.init) else { return nil }
        return Account(id: id, userIdentifier: row.column("user_identifier")?.string ?? "", balanceMinor: Int64(row.column("balance_minor")?.integer ?? 0), currency: currency)
    }

    private static func entry(from row: SQLiteRow) -> LedgerEntry? {
        guard let id = row.column("id")?.string.flatMap(UUID.init(uuidString:)),
              let account = row.column("account_id")?.string.flatMap(UUID.init(uuidString:)),
              let kind = row.column("kind")?.string.flatMap(LedgerEntry.Kind.init(rawValue:)) else { return nil }
        return LedgerEntry(
            id: id, accountID: account, kind: kind, amountMinor: Int64(row.column("amount_minor")?.integer ?? 0),
            balanceAfterMinor: Int64(row.column("balance_after_minor")?.integer ?? 0),
            bookingID: row.column("booking_id")?.string.flatMap(UUID.init(uuidString:)), createdAt: ColumnCoding.date(row.column("created_at"))
        )
    }

    static func text(_ id: UUID) -> String { id.uuidString.lowercased() }
}

extension SQLitePaymentStore: SQLiteServiceStore {}
