import BoxofficeDomain
import BoxofficeMessaging
import BoxofficePayments
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
        try await SQLiteMigrator(database: database, migrations: SQLitePaymentSchema.migrations, logger: logger).migrate()
    }

    public func write<T: Sendable>(_ body: @escaping @Sendable (any PaymentTransaction) async throws -> T) async throws -> T {
        try await database.write { connection in try await body(SQLitePaymentTransaction(connection: connection)) }
    }

    public func account(_ id: UUID) async throws -> Account? {
        try await database.read("SELECT * FROM accounts WHERE id = ?", [.text(id.lowercased)]).first.map(SQLitePaymentRows.account(from:))
    }

    public func account(forUser user: String) async throws -> Account? {
        try await database.read("SELECT * FROM accounts WHERE user_identifier = ?", [.text(user)]).first.map(SQLitePaymentRows.account(from:))
    }

    public func ledger(of accountID: UUID, limit: Int, before: UUID?) async throws -> [LedgerEntry] {
        guard let before else {
            return try await database.read(
                "SELECT * FROM ledger WHERE account_id = ? ORDER BY rowid DESC LIMIT ?", [.text(accountID.lowercased), .integer(limit)]
            ).map(SQLitePaymentRows.entry(from:))
        }
        return try await database.read(
            """
            SELECT * FROM ledger WHERE account_id = ? AND rowid < (SELECT rowid FROM ledger WHERE id = ? AND account_id = ?)
            ORDER BY rowid DESC LIMIT ?
            """,
            [.text(accountID.lowercased), .text(before.lowercased), .text(accountID.lowercased), .integer(limit)]
        ).map(SQLitePaymentRows.entry(from:))
    }

    public func ledger(ofBooking booking: UUID) async throws -> [LedgerEntry] {
        try await database.read("SELECT * FROM ledger WHERE booking_id = ? ORDER BY rowid", [.text(booking.lowercased)]).map(SQLitePaymentRows.entry(from:))
    }

    public func payment(for booking: UUID) async throws -> Payment? {
        try await database.read("SELECT * FROM payments WHERE booking_id = ?", [.text(booking.lowercased)]).first.map(SQLitePaymentRows.payment(from:))
    }

    public func tokenRevocations(now: Date) async throws -> [TokenRevocation] {
        try await database.read("SELECT kind, subject, until FROM token_revocations WHERE until > ?", [ColumnCoding.millis(now)])
            .compactMap(SQLiteRevocationRows.revocation)
    }
}

extension SQLitePaymentStore: SQLiteServiceStore {}

extension UUID {
    /// The lowercase text form every id column holds.
    var lowercased: String { uuidString.lowercased() }
}
