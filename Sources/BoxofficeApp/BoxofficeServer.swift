import BoxofficeAuth
import BoxofficeBackOffice
import BoxofficeBaselines
import BoxofficeDomain
import BoxofficeEngine
import BoxofficeHTTP
import BoxofficeMessaging
import BoxofficePayments
import BoxofficeWaitingRoom
import BoxofficeWebhooks
import Foundation
import Hummingbird
import HummingbirdCore
import HummingbirdWebSocket
import Logging
import NIOCore
import ServiceLifecycle
import UnixSignals

/// One `boxoffice serve` process: the services its role names, their databases, the message bus between them,
/// and the HTTP application.
public struct BoxofficeServer {
    /// The live hub behind `/api/ws`.
    public let live: LiveHub
    /// How many requests the event loops answered without the router.
    public let eventLoopAnswers: EventLoopAnswerCount
    /// The HTTP application, with the databases, the start-up, the workers and the broker connections as its services.
    public let application: Application<RouterResponder<BoxofficeRequestContext>>
    /// Every route the router has, as `METHOD /path/:parameter` (what the authorization matrix test walks).
    public let routes: [String]
    /// The longest a graceful shutdown may take before what is left is cancelled.
    let shutdownTimeout: Duration

    /// The `Server` header of every answer.
    static let serverName = "boxoffice"

    /// The name of the booking database file in the data directory.
    public static let bookingDatabaseFile = "booking.sqlite"

    /// Builds the server; `serve` and the tests call the same builder. The databases are migrated and memory
    /// rebuilt once the application runs, retrying while a database is unreachable (`/health/ready` says when).
    public static func build(_ configuration: ServeConfiguration, logger: Logger, now: @escaping @Sendable () -> Date = Date.init) async throws -> BoxofficeServer {
        let directory = URL(fileURLWithPath: configuration.dataDirectory, isDirectory: true)
        try DataDirectory.prepare(directory, logger: logger)
        let secret = try StoredSecret.resolve(StoredSecret.authSecret, configured: configuration.authSecret, dataDirectory: directory, logger: logger)
        let authenticator = Authenticator(
            codec: try await TokenCodec.make(secret: Array(secret.utf8)),
            organizerToken: try StoredSecret.resolve(StoredSecret.organizerToken, configured: configuration.organizerToken, dataDirectory: directory, logger: logger),
            now: now
        )
        // Admission passes are signed with a key derived from the same secret: every instance checks every pass.
        let passes = PassSigner(secret: Array(secret.utf8))
        let proofs = ProofOfWork(secret: Array(secret.utf8))
        let origins = OriginPolicy(allowed: configuration.allowedOrigins)
        let limiter = RateLimiter(configuration.rateLimits)
        let addresses = ClientAddresses(trustForwardedFor: configuration.trustForwardedFor)
        var totalConnections = configuration.maxConnections
        if let budget = DescriptorBudget.connections(databasePoolSize: configuration.databasePoolSize), budget < totalConnections {
            logger.notice("the open-file limit leaves room for \(budget) connections: the connection cap is \(budget), not \(totalConnections)")
            totalConnections = budget
        }
        let connections = ConnectionLimits(total: totalConnections, perAddress: min(configuration.maxConnectionsPerAddress, totalConnections))
        let live = LiveHub(limits: configuration.liveLimits, logger: logger)
        let waiters = BookingStatusWaiters()
        let local = LiveUpdateFanOut([live, waiters])
        let bus = try MessageBus.make(configuration, local: configuration.role.runsBooking ? local : nil, logger: logger)
        logger.info("role \(configuration.role.rawValue), messages \(bus.description)")
        var databases: [any Service] = []
        var workers: [any Service] = []
        var payments: PaymentRoutes?
        /// Where `Idempotency-Key`s are kept: the booking database when this process runs it, else the payment one.
        var keys: (any IdempotencyStore)?
        if configuration.role.runsPayments {
            let database = try await PaymentsDatabase.open(configuration, directory: directory, logger: logger)
            let revocations = authenticator.revocations
            // Once migrated, the payment service knows the tokens revoked so far; then `tokens.revoked` tells it more.
            let starter = PaymentsStarter(
                migrate: {
                    try await database.migrate()
                    let at = now()
                    revocations.add(try await database.store.tokenRevocations(now: at), now: at)
                },
                database: database.description, logger: logger
            )
            let ready: @Sendable () -> Bool = { starter.isReady }
            databases += database.services
            workers += [
                starter,
                PaymentProcessor(
                    store: database.store, transport: bus.transport, wakeup: database.outbox, live: bus.live,
                    revoked: { revocations.add($0, now: now()) }, now: now, logger: logger
                ),
                MessagePruner(archive: database.archive, name: "payments", logger: logger),
                OutboxRelay(name: "payments", outbox: database.store, transport: bus.transport, wakeup: database.outbox, isReady: ready, logger: logger),
            ]
            payments = PaymentRoutes(store: database.store, live: bus.live, isReady: ready)
            keys = database.keys
        }
        var booking: BookingRoutes?
        /// What the event loop's fast path answers from, when it runs.
        var fastPathParts: (engine: BookingEngine, holds: any HoldPath, tickets: TicketRoutes?)?
        let eventLoopAnswers = EventLoopAnswerCount()
        var liveSocket: LiveSocket?
        if configuration.role.runsBooking {
            let database = try await BookingDatabase.open(configuration, directory: directory, logger: logger)
            let engine = BookingEngine(store: database.store, live: bus.live, now: now, logger: logger, enforcesCaps: configuration.rateLimits != .off)
            let holds: any HoldPath = BaselineHolds(configuration.holdStrategy, engine: engine, writer: database.baselineWriter, now: now) ?? engine
            if configuration.holdStrategy != .batched {
                logger.warning("hold strategy \(configuration.holdStrategy.rawValue) is for benchmarks only: one transaction per hold")
            }
            databases += database.services
            keys = database.store
            workers.append(EngineStarter(engine: engine, migrate: database.migrate, demo: configuration.demo, database: database.description, now: now, logger: logger))
            if let feed = database.changeFeed { workers.append(ChangeFeedService(feed: feed, engine: engine)) }
            workers += [
                ExpirySweeper(engine: engine),
                PaymentReconciler(store: database.store, after: .seconds(configuration.paymentRetryAfterSeconds), now: now, logger: logger),
                Housekeeping(engine: engine, store: database.store, now: now, logger: logger),
                MessagePruner(archive: database.store, name: "booking", logger: logger),
                BookingPaymentConsumer(engine: engine, transport: bus.transport, deadLetters: database.store) { [store = database.store, now] refund, message in
                    try await store.recordCredited(refund, message: message, at: now())?.bookingID
                },
                OutboxRelay(name: "booking", outbox: database.store, transport: bus.transport, wakeup: database.outbox, isReady: { engine.isReady }, logger: logger),
            ]
            workers.append(RevocationFollower(store: database.store, list: authenticator.revocations, now: now, logger: logger))
            workers.append(QueueAdvancer(store: database.store, live: live, now: now, logger: logger))
            workers.append(DoorsWatcher(store: database.store, engine: engine, live: live, now: now, logger: logger))
            workers.append(EventCancellationWorker(store: database.store, engine: engine, now: now, logger: logger))
            workers.append(SalesRollupWriter(store: database.store, engine: engine, now: now, logger: logger, interval: .seconds(2)))
            let webhookGuard = WebhookAddressGuard(resolver: SystemHostResolver(), allowPrivate: configuration.allowPrivateWebhooks)
            let webhookClient = HTTPWebhookSender.makeClient()
            let dispatcher = WebhookDispatcher(
                store: database.store, facts: StoreNoticeFacts(store: database.store, engine: engine), sender: HTTPWebhookSender(client: webhookClient),
                addressGuard: webhookGuard,
                schedule: RetrySchedule(
                    base: Double(configuration.webhookRetryBaseMilliseconds) / 1000, cap: 3600, window: Double(configuration.webhookRetryWindowSeconds)
                ),
                timeout: Double(configuration.webhookTimeoutMilliseconds) / 1000, logger: logger
            )
            workers.append(WebhookWorker(dispatcher: dispatcher, store: database.store, engine: engine, client: webhookClient, now: now, logger: logger))
            booking = BookingRoutes(
                engine: engine, holds: holds, waiters: waiters,
                auth: AuthService(codec: authenticator.codec, store: database.store, revocations: authenticator.revocations, now: now),
                waitingRooms: (WaitingRoom(store: database.store, signer: passes, proofs: proofs), database.store),
                tickets: TicketRoutes(store: database.store, identities: database.store),
                backOffice: BackOfficeRoutes(store: database.store),
                webhooks: WebhookRoutes(store: database.store, addressGuard: webhookGuard, retryWindow: Double(configuration.webhookRetryWindowSeconds))
            )
            liveSocket = LiveSocket(hub: live, engine: engine, authenticator: authenticator, origins: origins, connections: connections)
            // Logging every request needs every request to reach the router.
            if !configuration.logRequests { fastPathParts = (engine, holds, booking?.tickets) }
        }
        let api = APIConfiguration(
            authenticator: authenticator, origins: origins, idempotency: keys, limiter: limiter, addresses: addresses,
            demoMode: configuration.demo, logRequests: configuration.logRequests, metrics: configuration.metrics,
            publicDirectory: configuration.role.runsBooking ? webAppDirectory(configuration.publicDirectory, logger: logger) : nil,
            passes: configuration.role.runsBooking ? passes : nil, now: now
        )
        let router = APIRouter.build(booking: booking, payments: payments, readiness: bus.readiness, live: live, configuration: api, now: now)
        let admission = api.admission
        /// The event loop's fast path, one handler per connection.
        var fastPath: @Sendable () -> [any RemovableChannelHandler] = { [] }
        if let (engine, holds, tickets) = fastPathParts {
            fastPath = {
                [FlashSaleChannelHandler(
                    engine: engine, holds: holds, epoch: live.epoch, serverName: Self.serverName, answers: eventLoopAnswers, admission: admission,
                    tickets: tickets, logger: logger
                )]
            }
        }
        let socket = liveSocket
        let handlers = fastPath
        // The connection guard keeps the idle timeout: Hummingbird's would not see the requests the event loop answers.
        let http1 = HTTP1Channel.Configuration(additionalChannelHandlers: handlers(), idleTimeout: nil)
        let application = Application(
            router: router,
            server: .guardedHTTP1WebSocketUpgrade(
                limits: connections, headerTimeout: .seconds(Int64(configuration.headerTimeoutSeconds)), bodyTimeout: .seconds(Int64(configuration.idleTimeoutSeconds)),
                idleTimeout: .seconds(Int64(configuration.idleTimeoutSeconds)),
                configuration: .init(http1: http1, ws: LiveSocket.configuration)
            ) { head, channel, _ in
                socket?.shouldUpgrade(head, channel: channel) ?? .dontUpgrade
            },
            configuration: .init(address: .hostname(configuration.host, port: configuration.port), serverName: Self.serverName),
            // Shut down in reverse order: workers first, then the broker connections, the databases last.
            services: databases + bus.services + workers,
            logger: logger
        )
        return BoxofficeServer(
            live: live, eventLoopAnswers: eventLoopAnswers, application: application, routes: router.routes.map(\.description), shutdownTimeout: .seconds(configuration.shutdownTimeoutSeconds)
        )
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

    /// Serves until SIGINT or SIGTERM, then stops taking connections, closes live sockets with 1001, lets in-flight
    /// requests finish and closes the databases; whatever still runs after `shutdownTimeout` (a client that never
    /// sends its body) is cancelled and the process exits.
    public func run() async throws {
        var group = ServiceGroupConfiguration(services: [application], gracefulShutdownSignals: [.sigterm, .sigint], logger: application.logger)
        group.maximumGracefulShutdownDuration = shutdownTimeout
        group.maximumCancellationDuration = .seconds(5)
        try await ServiceGroup(configuration: group).run()
    }

    /// Applies the schema migrations of the databases of the configured role and returns the booking versions applied.
    public static func migrate(_ configuration: ServeConfiguration, logger: Logger) async throws -> [Int] {
        let directory = URL(fileURLWithPath: configuration.dataDirectory, isDirectory: true)
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let booking = configuration.role.runsBooking ? try await BookingDatabase.open(configuration, directory: directory, logger: logger) : nil
        let payments = configuration.role.runsPayments ? try await PaymentsDatabase.open(configuration, directory: directory, logger: logger) : nil
        let services = ServiceGroup(services: (booking?.services ?? []) + (payments?.services ?? []), logger: logger)
        async let running: Void = services.run()
        do {
            try await payments?.migrate()
            let applied = try await booking?.migrate() ?? []
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
