import BoxofficeBaselines
import BoxofficeDomain
import BoxofficeMessaging
import BoxofficePayments
import BoxofficePostgres
import BoxofficeSQLite
import Foundation
import Logging
import PostgresNIO
import ServiceLifecycle

/// The databases a server runs on: the booking service's and the payment service's, each embedded SQLite
/// files or PostgreSQL.
struct BookingBackend {
    /// The booking store, with its outbox and dead letters.
    let store: any BookingStore & OutboxStore & DeadLetterStore
    /// The same store's per-request writes, for the benchmarks' baselines.
    let baselineWriter: any BaselineHoldWriter
    /// Rung by the booking store after commits that wrote to its outbox.
    let bookingOutbox: Wakeup
    /// The payment store.
    let payments: any PaymentStore
    /// Rung after payment transactions that wrote to its outbox.
    let paymentsOutbox: Wakeup
    /// Brings both schemas up to date; returns the booking versions applied now.
    let migrate: @Sendable () async throws -> [Int]
    /// Services that must run before and stop after everything else (database clients or closers).
    let services: [any Service]
    /// Other processes' changes, when the booking database is shared.
    let changeFeed: (any InventoryChangeFeed)?
    /// Names the database in logs, without secrets.
    let description: String

    /// The name of the payment database file in the data directory.
    static let paymentDatabaseFile = "payments.sqlite"

    /// Opens the databases the configuration names.
    static func open(_ configuration: ServeConfiguration, directory: URL, logger: Logger) async throws -> BookingBackend {
        let bookingOutbox = Wakeup()
        let paymentsOutbox = Wakeup()
        let payments = try await openPayments(configuration, directory: directory, logger: logger)
        guard let url = configuration.databaseURL else {
            let path = directory.appendingPathComponent(BoxofficeServer.bookingDatabaseFile).path
            let database = try await SQLiteDatabaseFile.open(path: path, logger: logger)
            let store = SQLiteBookingStore(database: database, outboxWakeup: bookingOutbox)
            return BookingBackend(
                store: store, baselineWriter: store, bookingOutbox: bookingOutbox, payments: payments.store, paymentsOutbox: paymentsOutbox,
                migrate: {
                    try await payments.migrate()
                    return try await store.migrate(logger: logger)
                },
                services: [DatabaseCloser(database: database)] + payments.services, changeFeed: nil, description: "SQLite \(path)"
            )
        }
        let settings = try postgresSettings(url, configuration)
        let client = PostgresClient(configuration: settings.clientConfiguration, backgroundLogger: logger)
        let store = PostgresBookingStore(client: client, timeout: settings.operationTimeout, logger: logger, outboxWakeup: bookingOutbox)
        return BookingBackend(
            store: store, baselineWriter: store, bookingOutbox: bookingOutbox, payments: payments.store, paymentsOutbox: paymentsOutbox,
            migrate: {
                try await payments.migrate()
                return try await store.migrate()
            },
            services: [client] + payments.services, changeFeed: PostgresChangeFeed(store: store), description: "PostgreSQL \(settings.redacted)"
        )
    }

    private static func openPayments(
        _ configuration: ServeConfiguration, directory: URL, logger: Logger
    ) async throws -> (store: any PaymentStore, migrate: @Sendable () async throws -> Void, services: [any Service]) {
        guard let url = configuration.paymentsDatabaseURL ?? configuration.databaseURL else {
            let database = try await SQLiteDatabaseFile.open(path: directory.appendingPathComponent(paymentDatabaseFile).path, logger: logger)
            let store = SQLitePaymentStore(database: database)
            return (store, { _ = try await store.migrate(logger: logger) }, [DatabaseCloser(database: database)])
        }
        let settings = try postgresSettings(url, configuration)
        let client = PostgresClient(configuration: settings.clientConfiguration(schema: PostgresPaymentSchema.name), backgroundLogger: logger)
        let store = PostgresPaymentStore(client: client, timeout: settings.operationTimeout, logger: logger)
        return (store, { _ = try await store.migrate() }, [client])
    }

    private static func postgresSettings(_ url: String, _ configuration: ServeConfiguration) throws -> PostgresSettings {
        var settings = try PostgresSettings(url: url)
        settings.poolSize = configuration.databasePoolSize
        settings.operationTimeout = .seconds(configuration.databaseTimeoutSeconds)
        return settings
    }
}
