import BoxofficeBaselines
import BoxofficeDomain
import BoxofficeEngine
import BoxofficeHTTP
import BoxofficeMessaging
import BoxofficePayments
import Foundation
import Hummingbird
import HummingbirdCore
import HummingbirdWebSocket
import Logging
import NIOCore
import ServiceLifecycle

/// The booking service: its database, its engine and its HTTP application.
public struct BoxofficeServer {
    /// The engine.
    public let engine: BookingEngine
    /// The live hub behind `/api/ws`.
    public let live: LiveHub
    /// How many requests the event loops answered without the router.
    public let eventLoopAnswers: EventLoopAnswerCount
    /// The HTTP application, with the database, the start-up, the change feed and the sweeper as its services.
    public let application: Application<RouterResponder<BoxofficeRequestContext>>

    /// The `Server` header of every answer.
    static let serverName = "boxoffice"

    /// The name of the booking database file in the data directory.
    public static let bookingDatabaseFile = "booking.sqlite"

    /// Builds the server; `serve` and the tests call the same builder. The database is migrated and memory
    /// rebuilt once the application runs, retrying while the database is unreachable (`/health/ready` says when).
    public static func build(_ configuration: ServeConfiguration, logger: Logger, now: @escaping @Sendable () -> Date = Date.init) async throws -> BoxofficeServer {
        let directory = URL(fileURLWithPath: configuration.dataDirectory, isDirectory: true)
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let token = try OrganizerToken.resolve(configured: configuration.organizerToken, dataDirectory: directory, logger: logger)
        let backend = try await BookingBackend.open(configuration, directory: directory, logger: logger)
        let live = LiveHub(limits: configuration.liveLimits, logger: logger)
        let engine = BookingEngine(store: backend.store, live: live, now: now, logger: logger)
        let holds: any HoldPath = BaselineHolds(configuration.holdStrategy, engine: engine, writer: backend.baselineWriter, now: now) ?? engine
        if configuration.holdStrategy != .batched {
            logger.warning("hold strategy \(configuration.holdStrategy.rawValue) is for benchmarks only: one transaction per hold")
        }
        let router = APIRouter.build(
            engine: engine, holds: holds, payments: backend.payments, live: live,
            configuration: APIConfiguration(
                organizerToken: token, demoMode: configuration.demo, logRequests: configuration.logRequests, metrics: configuration.metrics,
                publicDirectory: webAppDirectory(configuration.publicDirectory, logger: logger)
            ),
            now: now
        )
        var services = backend.services
        services.append(EngineStarter(engine: engine, migrate: backend.migrate, demo: configuration.demo, database: backend.description, now: now, logger: logger))
        if let feed = backend.changeFeed { services.append(ChangeFeedService(feed: feed, engine: engine)) }
        services.append(ExpirySweeper(engine: engine))
        let transport = InProcessTransport(logger: logger)
        let ready: @Sendable () -> Bool = { engine.isReady }
        services.append(PaymentProcessor(store: backend.payments, transport: transport, wakeup: backend.paymentsOutbox, live: live, now: now))
        services.append(BookingPaymentConsumer(engine: engine, transport: transport, deadLetters: backend.store))
        services.append(OutboxRelay(name: "booking", outbox: backend.store, transport: transport, wakeup: backend.bookingOutbox, isReady: ready, logger: logger))
        services.append(OutboxRelay(name: "payments", outbox: backend.payments, transport: transport, wakeup: backend.paymentsOutbox, isReady: ready, logger: logger))
        let socket = LiveSocket(hub: live, engine: engine)
        // Logging every request needs every request to reach the router.
        let answersOnEventLoop = !configuration.logRequests
        let eventLoopAnswers = EventLoopAnswerCount()
        let http1 = HTTP1Channel.Configuration(
            additionalChannelHandlers: answersOnEventLoop
                ? [FlashSaleChannelHandler(engine: engine, holds: holds, epoch: live.epoch, serverName: Self.serverName, answers: eventLoopAnswers, logger: logger)]
                : []
        )
        let application = Application(
            router: router,
            server: .http1WebSocketUpgrade(configuration: .init(http1: http1, ws: .init(autoPing: .enabled(timePeriod: .seconds(30))))) { head, channel, _ in
                socket.shouldUpgrade(head, channel: channel)
            },
            configuration: .init(address: .hostname(configuration.host, port: configuration.port), serverName: Self.serverName),
            services: services,
            logger: logger
        )
        return BoxofficeServer(engine: engine, live: live, eventLoopAnswers: eventLoopAnswers, application: application)
    }

    /// The web app's folder when it exists; without it the API still serves, and the log says why `/` is empty.
    private static func webAppDirectory(_ path: String, logger: Logger) -> String? {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory), isDirectory.boolValue else {
            logger.warning("no web app at \(path); serving the API only (set --public-dir)")
            return nil
        }
        return path
    }

    /// Serves until SIGINT or SIGTERM, then lets in-flight requests finish and closes the database.
    public func run() async throws {
        try await application.runService()
    }

    /// Applies the schema migrations of the configured database and returns the versions applied.
    public static func migrate(_ configuration: ServeConfiguration, logger: Logger) async throws -> [Int] {
        let directory = URL(fileURLWithPath: configuration.dataDirectory, isDirectory: true)
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let backend = try await BookingBackend.open(configuration, directory: directory, logger: logger)
        let services = ServiceGroup(services: backend.services, logger: logger)
        async let running: Void = services.run()
        do {
            let applied = try await backend.migrate()
            await services.triggerGracefulShutdown()
            try await running
            return applied
        } catch {
            await services.triggerGracefulShutdown()
            try? await running
            throw error
        }
    }
}
