import BoxofficeDomain
import BoxofficeEngine
import BoxofficePayments
import Foundation
import NIOCore
import Hummingbird
import Logging

/// Everything the HTTP layer needs to serve the booking API.
public struct APIConfiguration: Sendable {
    /// The organizer's bearer token.
    public var organizerToken: String
    /// Whether `POST /api/init_db` is open to everyone.
    public var demoMode: Bool
    /// Whether to log one line per request at info level.
    public var logRequests: Bool
    /// Renders the process's metrics in the Prometheus text format for `GET /metrics`; nil serves no metrics.
    public var metrics: (@Sendable () -> String)?
    /// The folder of the web app's static files, served at `/`; nil serves none.
    public var publicDirectory: String?

    /// Creates a configuration.
    public init(
        organizerToken: String, demoMode: Bool, logRequests: Bool, metrics: (@Sendable () -> String)? = nil, publicDirectory: String? = nil
    ) {
        self.organizerToken = organizerToken
        self.demoMode = demoMode
        self.logRequests = logRequests
        self.metrics = metrics
        self.publicDirectory = publicDirectory
    }
}

/// Builds the router of the whole API.
public enum APIRouter {
    /// The router with every route and the problem-mapping middleware.
    /// - Parameters:
    ///   - holds: where holds go: the engine, or a benchmark's baseline in front of it.
    ///   - live: told of wallet deposits (inventory and payment changes reach it from the engine and the
    ///     processor); its epoch also names this process's seat map versions.
    ///   - now: the clock, replaceable in tests.
    public static func build(
        engine: BookingEngine, holds: (any HoldPath)? = nil, payments: any PaymentStore, live: LiveHub? = nil, configuration: APIConfiguration,
        now: @escaping @Sendable () -> Date = Date.init
    ) -> Router<BoxofficeRequestContext> {
        let router = Router(context: BoxofficeRequestContext.self)
        if configuration.logRequests { router.add(middleware: LogRequestsMiddleware(.info)) }
        router.add(middleware: ProblemMiddleware())
        if let folder = configuration.publicDirectory { router.add(middleware: FileMiddleware(folder, searchForIndexHtml: true)) }
        let organizer = OrganizerGuard(token: configuration.organizerToken)
        HealthController(engine: engine).addRoutes(to: router)
        if let metrics = configuration.metrics {
            router.get("metrics") { _, _ in
                Response(status: .ok, headers: [.contentType: "text/plain; version=0.0.4"], body: .init(byteBuffer: ByteBuffer(string: metrics())))
            }
        }
        let api = router.group(RouterPath(APIRoutes.api)).add(middleware: ReadinessMiddleware(engine: engine))
        EventController(engine: engine, organizer: organizer, seatMaps: SeatMapCache(epoch: live?.epoch ?? LiveHub.makeEpoch()), now: now).addRoutes(to: api)
        BookingController(engine: engine, holds: holds ?? engine).addRoutes(to: api)
        AccountController(store: payments, live: live, now: now).addRoutes(to: api)
        api.get("ws") { _, _ -> Response in
            throw Problem(.upgradeRequired, type: "websocket-only", detail: "/api/ws speaks WebSocket only; connect with a WebSocket client.")
        }
        DemoController(engine: engine, organizer: organizer, demoMode: configuration.demoMode, now: now).addRoutes(to: api)
        return router
    }
}
