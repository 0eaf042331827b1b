import BoxofficeDomain
import BoxofficePostgres
import BoxofficeSQLite
import Foundation
import Logging
import PostgresNIO
import ServiceLifecycle

/// The booking database a server runs on: the embedded SQLite file or a PostgreSQL server.
struct BookingBackend {
    /// The store.
    let store: any BookingStore
    /// Brings the schema up to date; returns the versions applied now.
    let migrate: @Sendable () async throws -> [Int]
    /// Services that must run before and stop after everything else (the database client or closer).
    let services: [any Service]
    /// Other processes' changes, when the database is shared.
    let changeFeed: (any InventoryChangeFeed)?
    /// Names the database in logs, without secrets.
    let description: String

    /// Opens the backend the configuration names.
    static func open(_ configuration: ServeConfiguration, directory: URL, logger: Logger) async throws -> BookingBackend {
        guard let url = configuration.databaseURL else {
            let path = directory.appendingPathComponent(BoxofficeServer.bookingDatabaseFile).path
            let database = try await SQLiteDatabaseFile.open(path: path, logger: logger)
            let store = SQLiteBookingStore(database: database)
            return BookingBackend(
                store: store, migrate: { try await store.migrate(logger: logger) }, services: [DatabaseCloser(database: database)],
                changeFeed: nil, description: "SQLite \(path)"
            )
        }
        var settings = try PostgresSettings(url: url)
        settings.poolSize = configuration.databasePoolSize
        settings.operationTimeout = .seconds(configuration.databaseTimeoutSeconds)
        let client = PostgresClient(configuration: settings.clientConfiguration, backgroundLogger: logger)
        let store = PostgresBookingStore(client: client, timeout: settings.operationTimeout, logger: logger)
        return BookingBackend(
            store: store, migrate: { try await store.migrate() }, services: [client],
            changeFeed: PostgresChangeFeed(store: store), description: "PostgreSQL \(settings.redacted)"
        )
    }
}
