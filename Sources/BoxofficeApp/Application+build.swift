import BoxofficeDomain
import BoxofficeEngine
import BoxofficeHTTP
import BoxofficeSQLite
import Foundation
import Hummingbird
import Logging

/// The embedded booking service: its database files, its engine and its HTTP application.
public struct EmbeddedBoxoffice {
    /// The running engine.
    public let engine: BookingEngine
    /// The HTTP application, with the sweeper and the database closer as its services.
    public let application: Application<RouterResponder<BoxofficeRequestContext>>

    /// The name of the booking database file in the data directory.
    public static let bookingDatabaseFile = "booking.sqlite"

    /// Opens (or creates) the data directory, migrates, rebuilds memory, adds demo events to an empty
    /// database in demo mode, and builds the application. `serve` and the tests call the same builder.
    public static func build(_ configuration: ServeConfiguration, logger: Logger, now: @escaping @Sendable () -> Date = Date.init) async throws -> EmbeddedBoxoffice {
        let directory = URL(fileURLWithPath: configuration.dataDirectory, isDirectory: true)
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let database = try await SQLiteDatabaseFile.open(path: directory.appendingPathComponent(bookingDatabaseFile).path, logger: logger)
        let store = SQLiteBookingStore(database: database)
        let applied = try await store.migrate(logger: logger)
        if !applied.isEmpty { logger.info("applied booking migrations \(applied)") }
        let engine = BookingEngine(store: store, now: now, logger: logger)
        try await engine.start()
        if configuration.demo, try await store.eventCount() == 0 {
            for draft in [DemoCatalog.concert(now: now()), DemoCatalog.grandHall(now: now())] { _ = try await engine.createEvent(draft) }
        }
        let token = try OrganizerToken.resolve(configured: configuration.organizerToken, dataDirectory: directory, logger: logger)
        let router = APIRouter.build(
            engine: engine,
            configuration: APIConfiguration(organizerToken: token, demoMode: configuration.demo, logRequests: configuration.logRequests),
            now: now
        )
        let application = Application(
            router: router,
            configuration: .init(address: .hostname(configuration.host, port: configuration.port), serverName: "boxoffice"),
            services: [DatabaseCloser(database: database), ExpirySweeper(engine: engine)],
            logger: logger
        )
        return EmbeddedBoxoffice(engine: engine, application: application)
    }

    /// Serves until SIGINT or SIGTERM, then lets in-flight requests finish and closes the database.
    public func run() async throws {
        try await application.runService()
    }

    /// Applies the schema migrations of the embedded databases and returns the versions applied.
    public static func migrate(dataDirectory: String, logger: Logger) async throws -> [Int] {
        let directory = URL(fileURLWithPath: dataDirectory, isDirectory: true)
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let database = try await SQLiteDatabaseFile.open(path: directory.appendingPathComponent(bookingDatabaseFile).path, logger: logger)
        let applied = try await SQLiteBookingStore(database: database).migrate(logger: logger)
        try await database.close()
        return applied
    }
}
