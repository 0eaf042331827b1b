import BoxofficeDomain
import BoxofficeEngine
import BoxofficePayments
import Foundation
import NIOCore
import Hummingbird
import Logging

/// Builds the router of the API of whichever services this process runs.
public enum APIRouter {
    /// The router with the routes of the services given, health, metrics and the problem-mapping middleware.
    /// - Parameters:
    ///   - booking: events, seats, bookings and `/api/ws`; nil in a process that runs only the payment service.
    ///   - payments: `/api/accounts…`; nil in a process that runs only the booking service.
    ///   - readiness: what else must be up before `/health/ready` says so (broker connections).
    ///   - live: the hub behind `/api/ws`; its epoch also names this process's seat map versions.
    ///   - now: the clock, replaceable in tests.
    public static func build(
        booking: BookingRoutes?, payments: PaymentRoutes?, readiness: [ReadinessCheck] = [], live: LiveHub? = nil,
        configuration: APIConfiguration, now: @escaping @Sendable () -> Date = Date.init
    ) -> Router<BoxofficeRequestContext> {
        let router = Router(context: BoxofficeRequestContext.self)
        router.add(middleware: RequestIDMiddleware())
        // Requests by route and status, and their latency (Hummingbird's names); the fast path counts its own.
        if configuration.metrics != nil { router.add(middleware: MetricsMiddleware()) }
        if configuration.logRequests { router.add(middleware: LogRequestsMiddleware(.info)) }
        router.add(middleware: SecurityHeadersMiddleware())
        router.add(middleware: ProblemMiddleware())
        router.add(middleware: CrossOriginMiddleware(origins: configuration.origins))
        // Every rule about who may send what, before anything else reads the request.
        router.add(middleware: AdmissionMiddleware(admission: configuration.admission))
        let routeMethods = RouteMethods()
        router.add(middleware: MethodNotAllowedMiddleware(routes: routeMethods))
        if let folder = configuration.publicDirectory { router.add(middleware: FileMiddleware(folder, searchForIndexHtml: true)) }
        if let keys = configuration.idempotency { router.add(middleware: IdempotencyMiddleware(store: keys, now: now)) }
        HealthController(checks: [booking?.readiness, payments?.readiness].compactMap { $0 } + readiness).addRoutes(to: router)
        if let metrics = configuration.metrics {
            // What a sale is doing is the organizer's to know: Prometheus scrapes with the organizer token.
            router.get("metrics") { _, context in
                _ = try context.requireOrganizer()
                return
                Response(status: .ok, headers: [.contentType: "text/plain; version=0.0.4"], body: .init(byteBuffer: ByteBuffer(string: metrics())))
            }
        }
        if let booking { addBookingRoutes(booking, to: router, live: live, configuration: configuration, now: now) }
        if let payments {
            let api = router.group(RouterPath(APIRoutes.api)).add(middleware: ReadinessMiddleware(check: payments.readiness))
            AccountController(store: payments.store, live: payments.live, now: now).addRoutes(to: api)
            PaymentController(store: payments.store).addRoutes(to: api)
        }
        routeMethods.set(router.routes.map { ($0.method.rawValue, $0.path.description) })
        return router
    }

    private static func addBookingRoutes(
        _ booking: BookingRoutes, to router: Router<BoxofficeRequestContext>, live: LiveHub?, configuration: APIConfiguration, now: @escaping @Sendable () -> Date
    ) {
        let engine = booking.engine
        let api = router.group(RouterPath(APIRoutes.api)).add(middleware: ReadinessMiddleware(check: booking.readiness))
        EventController(engine: engine, seatMaps: SeatMapCache(epoch: live?.epoch ?? LiveHub.makeEpoch()), queues: booking.waitingRooms?.queues, now: now)
            .addRoutes(to: api)
        BookingController(engine: engine, holds: booking.holds, waiters: booking.waiters, authenticator: configuration.authenticator).addRoutes(to: api)
        AuthController(auth: booking.auth).addRoutes(to: api)
        if let (room, queues) = booking.waitingRooms {
            QueueController(engine: engine, room: room, queues: queues, authenticator: configuration.authenticator, now: now).addRoutes(to: api)
        }
        if let tickets = booking.tickets {
            TicketController(engine: engine, tickets: tickets, now: now).addRoutes(to: api)
            CheckinController(engine: engine, tickets: tickets, now: now).addRoutes(to: api)
        }
        if let backOffice = booking.backOffice {
            BackOfficeController(engine: engine, backOffice: backOffice, tickets: booking.tickets, now: now).addRoutes(to: api)
        }
        if let webhooks = booking.webhooks {
            WebhookController(webhooks: webhooks, now: now).addRoutes(to: api)
        }
        api.get(RouterPath(APIRoutes.liveSocket)) { request, _ -> Response in
            guard configuration.origins.allows(request.head) else {
                throw Problem(.forbidden, type: "origin-not-allowed", detail: "A page of another origin may not open a live socket here (--allowed-origins).")
            }
            throw Problem(.upgradeRequired, type: "websocket-only", detail: "/api/ws speaks WebSocket only; connect with a WebSocket client.")
        }
        DemoController(engine: engine, demoMode: configuration.demoMode, now: now).addRoutes(to: api)
    }
}
