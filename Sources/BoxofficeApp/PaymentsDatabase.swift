import BoxofficeDomain
import BoxofficeMessaging
import BoxofficePayments
import BoxofficePostgres
import BoxofficeSQLite
import Foundation
import Logging
import PostgresNIO
import ServiceLifecycle

/// The payment service's own database: its SQLite file, or schema `payments` on PostgreSQL (`--payments-database`,
/// else the booking database's server).
struct PaymentsDatabase {
    /// The payment store.
    let store: any PaymentStore
    /// The same store's dead letters and outbox, for `boxoffice dead-letters`.
    let archive: any MessageArchive
    /// The same store's idempotency keys, for a process that runs only the payment service.
    let keys: any IdempotencyStore
    /// Rung after payment transactions that wrote to its outbox.
    let outbox: Wakeup
    /// Brings the schema up to date.
    let migrate: @Sendable () async throws -> Void
    /// Services that must run before and stop after everything else (the database client or closer).
    let services: [any Service]
    /// Names the database in logs, without secrets.
    let description: String

    /// The name of the payment database file in the data directory.
    static let file = "payments.sqlite"

    /// Opens the database the configuration names.
    static func open(_ configuration: ServeConfiguration, directory: URL, logger: Logger) async throws -> PaymentsDatabase {
        guard let url = configuration.paymentsDatabaseURL ?? configuration.databaseURL else {
            let path = directory.appendingPathComponent(file).path
            let database = try await SQLiteDatabaseFile.open(path: path, logger: logger)
            let store = SQLitePaymentStore(database: database)
            return PaymentsDatabase(
                store: store, archive: store, keys: store, outbox: Wakeup(), migrate: { _ = try await store.migrate(logger: logger) },
                services: [DatabaseCloser(database: database)], description: "SQLite \(path)"
            )
        }
        let settings = try configuration.postgresSettings(url)
        let client = PostgresClient(configuration: settings.clientConfiguration(schema: PostgresPaymentSchema.name), backgroundLogger: logger)
        let store = PostgresPaymentStore(client: client, timeout: settings.operationTimeout, logger: logger)
        return PaymentsDatabase(
            store: store, archive: store, keys: store, outbox: Wakeup(), migrate: { _ = try await store.migrate() }, services: [client],
            description: "PostgreSQL \(settings.redacted) (schema \(PostgresPaymentSchema.name))"
        )
    }
}
