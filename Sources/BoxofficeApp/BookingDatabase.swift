import BoxofficeBackOffice
import BoxofficeBaselines
import BoxofficeDomain
import BoxofficeMessaging
import BoxofficePostgres
import BoxofficeSQLite
import BoxofficeTickets
import BoxofficeWaitingRoom
import BoxofficeWebhooks
import Foundation
import Logging
import PostgresNIO
import ServiceLifecycle

/// The booking service's database: embedded SQLite files or PostgreSQL.
struct BookingDatabase {
    /// The booking store, with its outbox, dead letters, identities and idempotency keys.
    let store: any BookingStore & OutboxStore & DeadLetterStore & MessageArchive & IdentityStore & IdempotencyStore & QueueStore & TicketStore & BackOfficeStore & WebhookStore
    /// The same store's per-request writes, for the benchmarks' baselines.
    let baselineWriter: any BaselineHoldWriter
    /// Rung by the store after commits that wrote to its outbox.
    let outbox: Wakeup
    /// Brings the schema up to date; returns the versions applied now.
    let migrate: @Sendable () async throws -> [Int]
    /// Services that must run before and stop after everything else (the database client or closer).
    let services: [any Service]
    /// Other processes' changes, when the database is shared.
    let changeFeed: (any InventoryChangeFeed)?
    /// Names the database in logs, without secrets.
    let description: String

    /// Opens the database the configuration names.
    static func open(_ configuration: ServeConfiguration, directory: URL, logger: Logger) async throws -> BookingDatabase {
        let outbox = Wakeup()
        guard let url = configuration.databaseURL else {
            let path = directory.appendingPathComponent(BoxofficeServer.bookingDatabaseFile).path
            let database = try await SQLiteDatabaseFile.open(path: path, logger: logger)
            let store = SQLiteBookingStore(database: database, outboxWakeup: outbox)
            return BookingDatabase(
                store: store, baselineWriter: store, outbox: outbox, migrate: { try await store.migrate(logger: logger) },
                services: [DatabaseCloser(database: database)], changeFeed: nil, description: "SQLite \(path)"
            )
        }
        let settings = try configuration.postgresSettings(url)
        let client = PostgresClient(configuration: settings.clientConfiguration, backgroundLogger: logger)
        let store = PostgresBookingStore(client: client, timeout: settings.operationTimeout, logger: logger, outboxWakeup: outbox)
        return BookingDatabase(
            store: store, baselineWriter: store, outbox: outbox, migrate: { try await store.migrate() },
            services: [client], changeFeed: PostgresChangeFeed(store: store), description: "PostgreSQL \(settings.redacted)"
        )
    }
}
