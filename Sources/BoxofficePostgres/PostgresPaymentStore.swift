import BoxofficeDomain
import BoxofficeMessaging
import BoxofficePayments
import Foundation
import Logging
import PostgresNIO

/// The payment service's store on PostgreSQL, in its own schema; balances change only through
/// `balance = balance - amount WHERE balance >= amount`, so concurrent charges can never overdraw.
public struct PostgresPaymentStore: PaymentStore {
    /// The client, whose connections use the `payments` schema.
    public let client: PostgresClient
    /// The store's logger.
    public let logger: Logger
    /// How long one operation may take.
    public let timeout: Duration

    /// Creates a store over a running client whose connections use the `payments` schema
    /// (see ``PostgresSettings/clientConfiguration(schema:)``).
    public init(client: PostgresClient, timeout: Duration, logger: Logger) {
        self.client = client
        self.timeout = timeout
        self.logger = logger
    }

    /// Brings the schema up to date.
    @discardableResult
    public func migrate() async throws -> [Int] {
        let migrator = PostgresMigrator(
            client: client, migrations: PostgresPaymentSchema.migrations, name: "the payment database",
            preamble: ["CREATE SCHEMA IF NOT EXISTS \(PostgresPaymentSchema.name)"], logger: logger
        )
        _ = try await Deadline.run(within: timeout) { [client, logger] in try await client.query("SELECT 1", logger: logger) }
        return try await Deadline.run(within: .seconds(600)) { try await migrator.migrate() }
    }

    public func write<T: Sendable>(_ body: @escaping @Sendable (any PaymentTransaction) async throws -> T) async throws -> T {
        try await Deadline.run(within: timeout) { [client, logger] in
            do {
                return try await client.withTransaction(logger: logger) { connection in
                    try await body(PostgresPaymentTransaction(connection: connection, logger: logger))
                }
            } catch let error as PostgresTransactionError {
                throw error.closureError ?? error
            }
        }
    }

    public func account(_ id: UUID) async throws -> Account? {
        try await read { try await PostgresPaymentRows.accounts("SELECT \(unescaped: PostgresPaymentRows.accountColumns) FROM accounts WHERE id = \(id)", on: $0, logger: $1).first }
    }

    public func account(forUser user: String) async throws -> Account? {
        try await read {
            try await PostgresPaymentRows.accounts("SELECT \(unescaped: PostgresPaymentRows.accountColumns) FROM accounts WHERE user_identifier = \(user)", on: $0, logger: $1).first
        }
    }

    public func ledger(of account: UUID, limit: Int, before: UUID?) async throws -> [LedgerEntry] {
        try await read { client, logger in
            var entries: [LedgerEntry] = []
            let after: PostgresQuery = before.map {
                """
                SELECT id, kind, amount_minor, balance_after_minor, booking_id, created_at FROM ledger
                WHERE account_id = \(account) AND seq < (SELECT seq FROM ledger WHERE id = \($0) AND account_id = \(account))
                ORDER BY seq DESC LIMIT \(limit)
                """
            } ?? """
                SELECT id, kind, amount_minor, balance_after_minor, booking_id, created_at FROM ledger
                WHERE account_id = \(account) ORDER BY seq DESC LIMIT \(limit)
                """
            for try await (id, kind, amount, balance, booking, at) in try await client.query(after, logger: logger)
                .decode((UUID, String, Int64, Int64, UUID?, Date).self) {
                guard let kind = LedgerEntry.Kind(rawValue: kind) else { throw UnreadableRow(table: "ledger") }
                entries.append(LedgerEntry(id: id, accountID: account, kind: kind, amountMinor: amount, balanceAfterMinor: balance, bookingID: booking, createdAt: at))
            }
            return entries
        }
    }

    public func ledger(ofBooking booking: UUID) async throws -> [LedgerEntry] {
        try await read { client, logger in
            var entries: [LedgerEntry] = []
            for try await (id, account, kind, amount, balance, at) in try await client.query(
                "SELECT id, account_id, kind, amount_minor, balance_after_minor, created_at FROM ledger WHERE booking_id = \(booking) ORDER BY seq", logger: logger
            ).decode((UUID, UUID, String, Int64, Int64, Date).self) {
                guard let kind = LedgerEntry.Kind(rawValue: kind) else { throw UnreadableRow(table: "ledger") }
                entries.append(LedgerEntry(id: id, accountID: account, kind: kind, amountMinor: amount, balanceAfterMinor: balance, bookingID: booking, createdAt: at))
            }
            return entries
        }
    }

    public func payment(for booking: UUID) async throws -> Payment? {
        try await read {
            try await PostgresPaymentRows.payments("SELECT \(unescaped: PostgresPaymentRows.paymentColumns) FROM payments WHERE booking_id = \(booking)", on: $0, logger: $1).first
        }
    }

    public func tokenRevocations(now: Date) async throws -> [TokenRevocation] {
        try await read { client, logger in
            try await PostgresRevocationRows.revocations("SELECT kind, subject, until FROM token_revocations WHERE until > \(now)", client: client, logger: logger)
        }
    }

    private func read<T: Sendable>(_ body: @escaping @Sendable (PostgresClient, Logger) async throws -> T) async throws -> T {
        try await Deadline.run(within: timeout) { [client, logger] in try await body(client, logger) }
    }
}

extension PostgresPaymentStore: PostgresServiceStore {}
