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

    public func createAccount(userIdentifier: String, currency: Currency) async throws -> (Account, created: Bool) {
        try await Deadline.run(within: timeout) { [self] in
            let fresh = Account(id: UUID(), userIdentifier: userIdentifier, balanceMinor: 0, currency: currency)
            for try await _ in try await client.query(
                """
                INSERT INTO accounts (id, user_identifier, balance_minor, currency) VALUES (\(fresh.id), \(userIdentifier), 0, \(currency.code))
                ON CONFLICT (user_identifier) DO NOTHING RETURNING id
                """,
                logger: logger
            ).decode(UUID.self) {
                return (fresh, true)
            }
            let existing = try await accounts("SELECT id, user_identifier, balance_minor, currency FROM accounts WHERE user_identifier = \(userIdentifier)").first
            guard let existing else { throw MissingRow() }
            return (existing, false)
        }
    }

    public func account(_ id: UUID) async throws -> Account? {
        try await Deadline.run(within: timeout) { [self] in
            try await accounts("SELECT id, user_identifier, balance_minor, currency FROM accounts WHERE id = \(id)").first
        }
    }

    public func account(forUser user: String) async throws -> Account? {
        try await Deadline.run(within: timeout) { [self] in
            try await accounts("SELECT id, user_identifier, balance_minor, currency FROM accounts WHERE user_identifier = \(user)").first
        }
    }

    public func deposit(_ amountMinor: Int64, into account: UUID, at: Date) async throws -> LedgerEntry? {
        try await Deadline.run(within: timeout) { [self] in
            try await client.withTransaction(logger: logger) { connection -> LedgerEntry? in
                var balance: Int64?
                for try await value in try await connection.query(
                    "UPDATE accounts SET balance_minor = balance_minor + \(amountMinor) WHERE id = \(account) RETURNING balance_minor", logger: logger
                ).decode(Int64.self) {
                    balance = value
                }
                guard let balance else { return nil }
                return try await appendLedger(account, kind: .deposit, amount: amountMinor, balance: balance, booking: nil, at: at, connection: connection)
            }
        }
    }

    public func ledger(of account: UUID) async throws -> [LedgerEntry] {
        try await Deadline.run(within: timeout) { [self] in
            var entries: [LedgerEntry] = []
            for try await (id, kind, amount, balance, booking, at) in try await client.query(
                "SELECT id, kind, amount_minor, balance_after_minor, booking_id, created_at FROM ledger WHERE account_id = \(account) ORDER BY seq",
                logger: logger
            ).decode((UUID, String, Int64, Int64, UUID?, Date).self) {
                guard let kind = LedgerEntry.Kind(rawValue: kind) else { continue }
                entries.append(LedgerEntry(id: id, accountID: account, kind: kind, amountMinor: amount, balanceAfterMinor: balance, bookingID: booking, createdAt: at))
            }
            return entries
        }
    }

    public func payment(for booking: UUID) async throws -> Payment? {
        try await Deadline.run(within: timeout) { [self] in
            for try await (account, amount, status, reason) in try await client.query(
                "SELECT account_id, amount_minor, status, reason FROM payments WHERE booking_id = \(booking)", logger: logger
            ).decode((UUID?, Int64, String, String?).self) {
                guard let status = Payment.Status(rawValue: status) else { return nil }
                return Payment(bookingID: booking, accountID: account, amountMinor: amount, status: status, reason: reason)
            }
            return nil
        }
    }

    public func handle(_ request: PaymentRequested, message: UUID, at: Date) async throws -> Bool {
        try await Deadline.run(within: timeout) { [self] in
            try await client.withTransaction(logger: logger) { connection in
                guard try await PostgresMessageTables.record([message], connection: connection, logger: logger).count == 1 else { return false }
                for try await (status, reason) in try await connection.query(
                    "SELECT status, reason FROM payments WHERE booking_id = \(request.bookingId) FOR UPDATE", logger: logger
                ).decode((String, String?).self) {
                    // The booking was charged (or refused) before: say the same outcome again, charge nothing.
                    try await PostgresMessageTables.append([try outcome(of: request, status: status, reason: reason, at: at)], connection: connection, logger: logger)
                    return true
                }
                let (account, failure) = try await charge(request, at: at, connection: connection)
                let status = failure == nil ? "succeeded" : "failed"
                let inserted = try await connection.query(
                    """
                    INSERT INTO payments (booking_id, account_id, amount_minor, currency, status, reason, created_at, updated_at)
                    VALUES (\(request.bookingId), \(account), \(request.amountMinor), \(request.currency), \(status), \(failure), \(at), \(at))
                    ON CONFLICT (booking_id) DO NOTHING RETURNING booking_id
                    """,
                    logger: logger
                )
                var wasInserted = false
                for try await _ in inserted.decode(UUID.self) { wasInserted = true }
                // Another delivery of this booking's request won the race: take nothing back here, the
                // transaction is rolled back by throwing and the message comes again as a repeat.
                guard wasInserted else { throw ConcurrentPayment() }
                try await PostgresMessageTables.append([try outcome(of: request, status: status, reason: failure, at: at)], connection: connection, logger: logger)
                return true
            }
        }
    }

    public func handle(_ request: RefundRequested, message: UUID, at: Date) async throws -> Bool {
        try await Deadline.run(within: timeout) { [self] in
            try await client.withTransaction(logger: logger) { connection in
                guard try await PostgresMessageTables.record([message], connection: connection, logger: logger).count == 1 else { return false }
                var refunded: (UUID?, Int64)?
                for try await row in try await connection.query(
                    "UPDATE payments SET status = 'refunded', updated_at = \(at) WHERE booking_id = \(request.bookingId) AND status = 'succeeded' RETURNING account_id, amount_minor",
                    logger: logger
                ).decode((UUID?, Int64).self) {
                    refunded = row
                }
                guard let (account, amount) = refunded, let account else { return true }
                var balance: Int64 = 0
                for try await value in try await connection.query(
                    "UPDATE accounts SET balance_minor = balance_minor + \(amount) WHERE id = \(account) RETURNING balance_minor", logger: logger
                ).decode(Int64.self) {
                    balance = value
                }
                _ = try await appendLedger(account, kind: .refund, amount: amount, balance: balance, booking: request.bookingId, at: at, connection: connection)
                try await PostgresMessageTables.append(
                    [try Message(PaymentRefunded(bookingId: request.bookingId, amountMinor: amount), at: at)], connection: connection, logger: logger
                )
                return true
            }
        }
    }

    /// Charges the customer's wallet if it holds enough in the right currency.
    private func charge(_ request: PaymentRequested, at: Date, connection: PostgresConnection) async throws -> (UUID?, String?) {
        var found: (UUID, String)?
        for try await row in try await connection.query(
            "SELECT id, currency FROM accounts WHERE user_identifier = \(request.userIdentifier)", logger: logger
        ).decode((UUID, String).self) {
            found = row
        }
        guard let (account, currency) = found else { return (nil, PaymentFailureReason.noAccount(request.userIdentifier)) }
        guard currency == request.currency else { return (account, PaymentFailureReason.currencyMismatch(wallet: currency, price: request.currency)) }
        var balance: Int64?
        for try await value in try await connection.query(
            """
            UPDATE accounts SET balance_minor = balance_minor - \(request.amountMinor)
            WHERE id = \(account) AND balance_minor >= \(request.amountMinor) RETURNING balance_minor
            """,
            logger: logger
        ).decode(Int64.self) {
            balance = value
        }
        guard let balance else { return (account, PaymentFailureReason.insufficientFunds) }
        _ = try await appendLedger(account, kind: .charge, amount: -request.amountMinor, balance: balance, booking: request.bookingId, at: at, connection: connection)
        return (account, nil)
    }

    private func outcome(of request: PaymentRequested, status: String, reason: String?, at: Date) throws -> Message {
        status == "failed"
            ? try Message(PaymentFailed(bookingId: request.bookingId, reason: reason ?? ""), at: at)
            : try Message(PaymentSucceeded(bookingId: request.bookingId, amountMinor: request.amountMinor, currency: request.currency), at: at)
    }

    private func appendLedger(_ account: UUID, kind: LedgerEntry.Kind, amount: Int64, balance: Int64, booking: UUID?, at: Date, connection: PostgresConnection) async throws -> LedgerEntry {
        let entry = LedgerEntry(id: UUID(), accountID: account, kind: kind, amountMinor: amount, balanceAfterMinor: balance, bookingID: booking, createdAt: at)
        try await connection.query(
            """
            INSERT INTO ledger (id, account_id, kind, amount_minor, balance_after_minor, booking_id, created_at)
            VALUES (\(entry.id), \(account), \(kind.rawValue), \(amount), \(balance), \(booking), \(at))
            """,
            logger: logger
        )
        return entry
    }

    private func accounts(_ query: PostgresQuery) async throws -> [Account] {
        var accounts: [Account] = []
        for try await (id, user, balance, currency) in try await client.query(query, logger: logger).decode((UUID, String, Int64, String).self) {
            accounts.append(Account(id: id, userIdentifier: user, balanceMinor: balance, currency: Currency(currency) ?? Currency("EUR")!))
        }
        return accounts
    }
}

extension PostgresPaymentStore: PostgresServiceStore {}

/// A row that must exist was not found.
struct MissingRow: Error {}

/// Two deliveries of one booking's payment request raced; the loser is retried and sees the winner's outcome.
struct ConcurrentPayment: Error {}
