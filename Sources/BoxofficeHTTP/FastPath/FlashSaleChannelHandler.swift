import BoxofficeAuth
import BoxofficeDomain
import BoxofficeEngine
import Foundation
import HTTPTypes
import Logging
import NIOCore
import NIOHTTPTypes

/// Answers the two requests that make up a flash sale's load on the connection's event loop, without a
/// request task, the router or the middleware chain: `POST /api/book/safe`, and a seat map revalidation
/// (`GET /api/events/{id}/seats` with `If-None-Match`); and the door's scans (`POST /api/events/{id}/checkins`,
/// `FlashSaleChannelHandler+Checkin.swift`). Every other request, and any of these it would not
/// answer exactly as the route does, passes on to Hummingbird unchanged.
///
/// Connection events and errors that arrive while it holds a request (the client closing its side, a
/// graceful shutdown, a malformed request pipelined behind) reach Hummingbird once that request is answered,
/// so Hummingbird acts on them in the order it would have seen them. After a graceful shutdown begins, new
/// requests go to Hummingbird, which closes the connection once they are answered.
///
/// Every request it takes passes the same admission step as the router's (``Admission``), at its head: a refusal
/// is answered here, with the router's problem, once the request's body has gone by unread.
///
/// It answers only a request the route would answer the same way: no `Expect` header, no `Connection` header
/// but `keep-alive`, no `X-Request-Id` but a valid one, no admitted `Idempotency-Key` (kept in the database), no
/// `Origin` of the configured others (they get CORS headers), the engine ready, and no earlier request of the connection still
/// with Hummingbird (answers keep the order of requests). A booking must have the plain body `SafeBookingRequest`'s
/// fast reader takes; a seat map request must name the map's current ETag (`304`). Requests pipelined behind one
/// it answers wait for that answer. The answer is the route's: the same status and body, the same
/// problem for a refusal, the `Date`, `Server` and security headers the router adds, the `X-Request-Id` answered back.
///
/// Add one per connection, after the HTTP/1 codec (Hummingbird's `additionalChannelHandlers`).
public final class FlashSaleChannelHandler: ChannelDuplexHandler, RemovableChannelHandler {
    public typealias InboundIn = HTTPRequestPart
    public typealias InboundOut = HTTPRequestPart
    public typealias OutboundIn = HTTPResponsePart
    public typealias OutboundOut = HTTPResponsePart

    /// A request the handler may answer, known from its head.
    enum Kind {
        case safeBooking
        case seatMapRevalidation(EventID)
        case checkin(EventID)

        /// The route its answers are counted under.
        var route: EventLoopAnswerCount.Route {
            switch self {
            case .safeBooking: .safeBooking
            case .seatMapRevalidation: .seatMap
            case .checkin: .checkin
            }
        }
    }

    /// An inbound event or error held back while a request is in hand.
    private enum HeldBack {
        case event(Any)
        case error(any Error)
    }

    private enum State {
        /// Between requests.
        case idle
        /// Passing a request's parts to Hummingbird.
        case passing
        /// Reading a request it may answer, admitted.
        case reading(HTTPRequest, Kind, ByteBuffer, AdmittedRequest)
        /// Letting the body of a request go by unread: its refusal is answered already.
        case refusing(HTTPRequest)
        /// Answering; parts read meanwhile wait in `waiting`.
        case answering
    }

    let engine: BookingEngine
    /// Tickets and the door, when this process serves them.
    let tickets: TicketRoutes?
    let admission: Admission
    private let holds: any HoldPath
    private let seatMaps: SeatMapCache
    private let serverName: String
    let logger: Logger
    private var state = State.idle
    /// The `X-Request-Id` of the request being answered here, answered back like the router does.
    private var requestID: String?
    /// Requests passed to Hummingbird and not yet answered.
    private var unanswered = 0
    /// Parts read while answering, handled once the answer is written.
    private var waiting: [HTTPRequestPart] = []
    /// Whether Hummingbird asked for a read while answering.
    private var readRequested = false
    /// Events and errors that arrived while a request was in hand, passed on once it is answered.
    private var heldBack: [HeldBack] = []
    /// Whether a graceful shutdown began: requests then go to Hummingbird.
    private var quiescing = false
    /// Counts the requests answered here, on every connection (for tests and diagnostics).
    private let answers: EventLoopAnswerCount
    private var dateCache: (second: Int64, text: String) = (-1, "")

    /// Creates the handler of one connection.
    /// - Parameters:
    ///   - holds: where holds go: the engine, or a benchmark's baseline in front of it.
    ///   - epoch: the live hub's epoch, which names this process's seat map versions in their ETags.
    ///   - serverName: the `Server` header, as the application's configuration names it.
    ///   - answers: counts what this handler answers, together with the other connections' handlers.
    ///   - admission: the router's admission step, the same rules on this path.
    ///   - tickets: tickets and the door, whose scans it answers too; nil for none.
    public init(
        engine: BookingEngine, holds: any HoldPath, epoch: String, serverName: String, answers: EventLoopAnswerCount,
        admission: Admission, tickets: TicketRoutes? = nil, logger: Logger
    ) {
        self.tickets = tickets
        self.admission = admission
        self.engine = engine
        self.holds = holds
        self.answers = answers
        self.seatMaps = SeatMapCache(epoch: epoch)
        self.serverName = serverName
        self.logger = logger
    }

    public func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let part = unwrapInboundIn(data)
        if isAnswering {
            waiting.append(part)
        } else {
            handle(part, context: context)
        }
    }

    /// Reads on while answering until the client sends more (it pipelines): from then on, reads wait for the
    /// answer, so a client cannot pile up requests here. Not holding back every read saves the two system
    /// calls that pausing and resuming a connection's reads cost.
    public func read(context: ChannelHandlerContext) {
        if isAnswering, !waiting.isEmpty {
            readRequested = true
        } else {
            context.read()
        }
    }

    public func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        if case .end = unwrapOutboundIn(data) { unanswered = max(0, unanswered - 1) }
        context.write(data, promise: promise)
    }

    public func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        if event is ChannelShouldQuiesceEvent { quiescing = true }
        if event as? ChannelEvent == .inputClosed {
            // The request will never end: Hummingbird gets what came of it, as it would have.
            switch state {
            case .reading(let head, _, let body, let admitted):
                admission.giveBack(admitted)
                pass(head, body, context: context)
                state = .passing
            case .refusing:
                // Its refusal is written; the request ends here for Hummingbird too, after what was held back.
                state = .idle
                passHeldBack(context: context)
            case .idle, .passing, .answering:
                break
            }
        }
        if holdsRequest {
            heldBack.append(.event(event))
        } else {
            context.fireUserInboundEventTriggered(event)
        }
    }

    public func errorCaught(context: ChannelHandlerContext, error: any Error) {
        if holdsRequest {
            heldBack.append(.error(error))
        } else {
            context.fireErrorCaught(error)
        }
    }

    private var isAnswering: Bool {
        if case .answering = state { true } else { false }
    }

    /// Whether a request Hummingbird has not seen is being read or answered here.
    private var holdsRequest: Bool {
        switch state {
        case .reading, .refusing, .answering: true
        case .idle, .passing: false
        }
    }

    private func handle(_ part: HTTPRequestPart, context: ChannelHandlerContext) {
        switch (state, part) {
        case (.idle, .head(let head)):
            guard let kind = kind(of: head) else {
                unanswered += 1
                state = .passing
                context.fireChannelRead(wrapInboundOut(part))
                return
            }
            switch admission.admit(head, peer: context.channel.remoteAddress?.ipAddress) {
            case .success(let admitted) where admitted.idempotencyKey != nil:
                // Keys are kept in the database, on the router's path.
                admission.giveBack(admitted)
                unanswered += 1
                state = .passing
                context.fireChannelRead(wrapInboundOut(part))
            case .success(let admitted): state = .reading(head, kind, context.channel.allocator.buffer(capacity: 64), admitted)
            case .failure(let refusal): refuse(head, refusal.problem, route: kind.route, context: context)
            }
        case (.reading(let head, let kind, var body, let admitted), .body(var chunk)):
            body.writeBuffer(&chunk)
            if body.readableBytes > admitted.bodyLimit {
                refuse(head, .bodyTooLarge(limit: admitted.bodyLimit), route: kind.route, context: context)
            } else {
                state = .reading(head, kind, body, admitted)
            }
        case (.refusing, .body):
            break
        case (.refusing, .end):
            answered(context: context)
        case (.reading(let head, let kind, let body, let admitted), .end):
            state = .answering
            requestID = head.headerFields[.requestID]
            if !answer(head, kind, body, admitted, context: context) {
                admission.giveBack(admitted)
                state = .idle
                pass(head, body, context: context)
                context.fireChannelRead(wrapInboundOut(part))
                passHeldBack(context: context)
            }
        case (.passing, .end):
            state = .idle
            context.fireChannelRead(wrapInboundOut(part))
        default:
            context.fireChannelRead(wrapInboundOut(part))
        }
    }

    /// Which request this is, if it is one the handler may answer. The path is looked at first: most requests
    /// that pass to the router are told apart by it alone.
    private func kind(of head: HTTPRequest) -> Kind? {
        let kind: Kind
        if head.method == .post, head.path == APIRoutes.safeBookingPath {
            kind = .safeBooking
        } else if head.method == .get, let event = head.path.flatMap(APIRoutes.seatMapEvent), head.headerFields[.ifNoneMatch] != nil {
            kind = .seatMapRevalidation(event)
        } else if head.method == .post, tickets != nil, let event = head.path.flatMap(APIRoutes.checkinEvent) {
            kind = .checkin(event)
        } else {
            return nil
        }
        // A chunked body goes to the router, whose reader checks its type (the admission step sees no length to check).
        guard unanswered == 0, !quiescing, engine.isReady, head.headerFields[.expect] == nil, head.headerFields[.upgrade] == nil,
            head.headerFields[.transferEncoding] == nil,
            head.headerFields[.origin].map { !admission.origins.isConfigured($0) } ?? true,
            head.headerFields[.connection].map({ $0.lowercased() == "keep-alive" }) ?? true,
            head.headerFields[.requestID].map(RequestIDMiddleware<BoxofficeRequestContext>.isValid) ?? true
        else { return nil }
        return kind
    }

    /// Hands a request it will not answer to Hummingbird: its head and the body read so far.
    private func pass(_ head: HTTPRequest, _ body: ByteBuffer, context: ChannelHandlerContext) {
        unanswered += 1
        context.fireChannelRead(wrapInboundOut(.head(head)))
        if body.readableBytes > 0 { context.fireChannelRead(wrapInboundOut(.body(body))) }
    }

    /// Starts answering a whole request.
    /// - Returns: false when the route must answer it after all.
    private func answer(_ head: HTTPRequest, _ kind: Kind, _ body: ByteBuffer, _ admitted: AdmittedRequest, context: ChannelHandlerContext) -> Bool {
        switch kind {
        case .safeBooking:
            // A buy (`"pay": true`) waits for its payment's outcome: the route answers it.
            guard let request = SafeBookingRequest(plainJSON: body), request.pay != true else { return false }
            if let principal = admitted.principal {
                book(request, for: principal, guestToken: nil, admitted: admitted, context: context)
            } else {
                guard let (guest, token) = try? admission.authenticator.newGuest() else { return false }
                book(request, for: guest, guestToken: token, admitted: admitted, context: context)
            }
            return true
        case .seatMapRevalidation(let event):
            // A draft's seat map is the organizers' alone: the route decides who sees it.
            guard let snapshot = try? engine.engine(for: event).snapshot, snapshot.event.details.isVisibleToCustomers else { return false }
            let etag = seatMaps.etag(of: snapshot)
            guard SeatMapCache.matches(head.headerFields[.ifNoneMatch], etag: etag) else { return false }
            respond(.notModified, SeatMapCache.revalidationHeaders(etag: etag), body: nil, route: .seatMap, context: context)
            answered(context: context)
            return true
        case .checkin(let event):
            return checkIn(body, at: event, admitted: admitted, context: context)
        }
    }

    /// Answers at once what the committed state already refuses (most requests of a flash sale), and a hold
    /// once its batch is written.
    private func book(_ request: SafeBookingRequest, for principal: Principal, guestToken: String?, admitted: AdmittedRequest, context: ChannelHandlerContext) {
        var hold: HoldRequest
        do {
            hold = try engine.seatHoldRequest(SeatID(rawValue: request.seatId.value), userIdentifier: principal.owner, clientAddress: admitted.holdingAddress)
            hold.admittedTo = admitted.admittedTo
        } catch {
            return booked(.failure(error), guestToken: nil, context: context)
        }
        let loop = context.eventLoop
        let bound = NIOLoopBound((handler: self, context: context), eventLoop: loop)
        holds.hold(hold) { answer in
            if loop.inEventLoop {
                bound.value.handler.booked(answer, guestToken: guestToken, context: bound.value.context)
            } else {
                loop.execute { bound.value.handler.booked(answer, guestToken: guestToken, context: bound.value.context) }
            }
        }
    }

    private func booked(_ answer: Result<Booking, any Error>, guestToken: String?, context: ChannelHandlerContext) {
        guard context.channel.isActive else { return }
        switch answer {
        case .success(let booking):
            respond(.ok, [.contentType: "application/json; charset=utf-8"], body: SafeBookingBody(booking, guestToken: guestToken).json, route: .safeBooking, context: context)
        case .failure(let error):
            let problem = ProblemMiddleware<BoxofficeRequestContext>.problem(for: error, logger: logger)
            respond(problem, instance: APIRoutes.safeBookingPath, route: .safeBooking, context: context)
        }
        answered(context: context)
    }

    /// After an answer: handles what was read meanwhile, and lets the connection be read again.
    func answered(context: ChannelHandlerContext) {
        state = .idle
        let parts = waiting
        waiting = []
        for part in parts {
            channelRead(context: context, data: wrapInboundOut(part))
        }
        if !parts.isEmpty { context.fireChannelReadComplete() }
        passHeldBack(context: context)
        if readRequested, !isAnswering {
            readRequested = false
            context.read()
        }
    }

    /// Passes on the events and errors held back, once no request is in hand.
    private func passHeldBack(context: ChannelHandlerContext) {
        guard !holdsRequest, !heldBack.isEmpty else { return }
        let held = heldBack
        heldBack = []
        for item in held {
            switch item {
            case .event(let event): context.fireUserInboundEventTriggered(event)
            case .error(let error): context.fireErrorCaught(error)
            }
        }
    }

    /// Answers a refused request at once, as the router does, and lets the rest of its body go by unread until its
    /// end; requests pipelined behind it wait for that.
    private func refuse(_ head: HTTPRequest, _ problem: Problem, route: EventLoopAnswerCount.Route, context: ChannelHandlerContext) {
        state = .refusing(head)
        requestID = head.headerFields[.requestID]
        let path = head.path.map { String($0.prefix { $0 != "?" }) } ?? ""
        respond(problem, instance: path, route: route, context: context)
    }

    func respond(_ problem: Problem, instance: String, route: EventLoopAnswerCount.Route, context: ChannelHandlerContext) {
        var fields = problem.headers
        fields[.contentType] = "application/problem+json"
        respond(problem.status, fields, body: problem.json(instance: instance), route: route, context: context)
    }

    /// Writes an answer; without a body it has no `Content-Length`, like Hummingbird's `304`.
    func respond(
        _ status: HTTPResponse.Status, _ headers: HTTPFields, body json: String?, route: EventLoopAnswerCount.Route, context: ChannelHandlerContext
    ) {
        var fields = headers
        let body = json.map { ByteBuffer(string: $0) }
        if let body { fields[.contentLength] = String(body.readableBytes) }
        fields[.date] = date()
        fields[.server] = serverName
        if let requestID { fields[.requestID] = requestID }
        fields.append(contentsOf: SecurityHeadersMiddleware.fields)
        // Counted before the answer leaves: a client that reads the count once answered must find its answer in it.
        answers.add(route, status: status.code)
        context.write(wrapOutboundOut(.head(HTTPResponse(status: status, headerFields: fields))), promise: nil)
        if let body { context.write(wrapOutboundOut(.body(body)), promise: nil) }
        context.writeAndFlush(wrapOutboundOut(.end(nil)), promise: nil)
    }

    /// The `Date` header, formatted once a second.
    private func date() -> String {
        let now = Date()
        let second = Int64(now.timeIntervalSince1970.rounded(.down))
        if dateCache.second != second { dateCache = (second, InternetDate.httpDate(from: now)) }
        return dateCache.text
    }
}
