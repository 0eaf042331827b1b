import BoxofficeDomain
import BoxofficeEngine
import Foundation
import HTTPTypes
import Logging
import NIOCore
import NIOHTTPTypes

/// Answers `POST /api/book/safe`, the request of a flash sale, on the connection's event loop: no request
/// task, router or middleware chain. Every other request, and any safe booking it would not answer exactly as
/// the route does, passes on to Hummingbird unchanged.
///
/// It answers only a request the route would answer the same way: the plain body `SafeBookingRequest`'s
/// fast reader takes, no `Expect` header, no `Connection` header but `keep-alive`, the engine ready, and no earlier request of the
/// connection still with Hummingbird (answers keep the order of requests). While it waits for the engine it
/// reads nothing more from the connection. The answer is the route's: the same JSON, the same problem
/// for a refusal, the `Date` and `Server` headers Hummingbird adds.
///
/// Add one per connection, after the HTTP/1 codec (Hummingbird's `additionalChannelHandlers`).
public final class SafeBookingChannelHandler: ChannelDuplexHandler, RemovableChannelHandler {
    public typealias InboundIn = HTTPRequestPart
    public typealias InboundOut = HTTPRequestPart
    public typealias OutboundIn = HTTPResponsePart
    public typealias OutboundOut = HTTPResponsePart

    /// The path this handler answers.
    static let path = "/api/book/safe"

    private enum State {
        /// Between requests.
        case idle
        /// Passing a request's parts to Hummingbird.
        case passing
        /// Reading the body of a request it answers.
        case reading(HTTPRequest, ByteBuffer)
        /// Waiting for the engine; the connection is not read meanwhile.
        case answering
    }

    private let engine: BookingEngine
    private let serverName: String
    private let logger: Logger
    private var state = State.idle
    /// Requests passed to Hummingbird and not yet answered.
    private var unanswered = 0
    /// Parts read while answering, handled once the answer is written.
    private var waiting: [HTTPRequestPart] = []
    /// Whether Hummingbird asked for a read while answering.
    private var readRequested = false
    private var dateCache: (second: Int64, text: String) = (-1, "")

    /// Creates the handler of one connection.
    /// - Parameter serverName: the `Server` header, as the application's configuration names it.
    public init(engine: BookingEngine, serverName: String, logger: Logger) {
        self.engine = engine
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

    public func read(context: ChannelHandlerContext) {
        if isAnswering {
            readRequested = true
        } else {
            context.read()
        }
    }

    public func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        if case .end = unwrapOutboundIn(data) { unanswered -= 1 }
        context.write(data, promise: promise)
    }

    private var isAnswering: Bool {
        if case .answering = state { true } else { false }
    }

    private func handle(_ part: HTTPRequestPart, context: ChannelHandlerContext) {
        switch (state, part) {
        case (.idle, .head(let head)) where answers(head):
            state = .reading(head, context.channel.allocator.buffer(capacity: 64))
        case (.idle, .head):
            unanswered += 1
            state = .passing
            context.fireChannelRead(wrapInboundOut(part))
        case (.reading(let head, var body), .body(var chunk)):
            body.writeBuffer(&chunk)
            if body.readableBytes > BookingController.bodyLimit {
                pass(head, body, context: context)
                state = .passing
            } else {
                state = .reading(head, body)
            }
        case (.reading(let head, let body), .end):
            guard let request = SafeBookingRequest(plainJSON: body) else {
                pass(head, body, context: context)
                state = .idle
                context.fireChannelRead(wrapInboundOut(part))
                return
            }
            state = .answering
            answer(request, context: context)
        case (.passing, .end):
            state = .idle
            context.fireChannelRead(wrapInboundOut(part))
        default:
            context.fireChannelRead(wrapInboundOut(part))
        }
    }

    private func answers(_ head: HTTPRequest) -> Bool {
        head.method == .post && head.path == Self.path && unanswered == 0 && engine.isReady && head.headerFields[.expect] == nil
            && (head.headerFields[.connection].map { $0.lowercased() == "keep-alive" } ?? true)
    }

    /// Hands a request it will not answer to Hummingbird: its head and the body read so far.
    private func pass(_ head: HTTPRequest, _ body: ByteBuffer, context: ChannelHandlerContext) {
        unanswered += 1
        context.fireChannelRead(wrapInboundOut(.head(head)))
        if body.readableBytes > 0 { context.fireChannelRead(wrapInboundOut(.body(body))) }
    }

    /// Answers at once what the committed state already refuses (most requests of a flash sale); waits for
    /// the engine's batch otherwise.
    private func answer(_ request: SafeBookingRequest, context: ChannelHandlerContext) {
        let hold: HoldRequest
        do throws(DomainError) {
            hold = try engine.seatHoldRequest(SeatID(rawValue: request.seatId.value), userIdentifier: request.userIdentifier)
            if let refusal = engine.immediateRefusal(of: hold) { throw refusal }
        } catch {
            finish(.failure(error), context: context)
            return
        }
        let engine = engine
        let loop = context.eventLoop
        let bound = NIOLoopBound((handler: self, context: context), eventLoop: loop)
        Task {
            let answer: Result<Booking, any Error>
            do {
                answer = .success(try await engine.hold(hold))
            } catch {
                answer = .failure(error)
            }
            loop.execute { bound.value.handler.finish(answer, context: bound.value.context) }
        }
    }

    /// Writes the answer, then handles what was read meanwhile and lets the connection be read again.
    private func finish(_ answer: Result<Booking, any Error>, context: ChannelHandlerContext) {
        guard context.channel.isActive else { return }
        switch answer {
        case .success(let booking):
            respond(.ok, [.contentType: "application/json; charset=utf-8"], SafeBookingBody(booking).json, context: context)
        case .failure(let error):
            let problem = ProblemMiddleware<BoxofficeRequestContext>.problem(for: error, logger: logger)
            var fields = problem.headers
            fields[.contentType] = "application/problem+json"
            respond(problem.status, fields, problem.json(instance: Self.path), context: context)
        }
        state = .idle
        let parts = waiting
        waiting = []
        for part in parts {
            channelRead(context: context, data: wrapInboundOut(part))
        }
        if !parts.isEmpty { context.fireChannelReadComplete() }
        if readRequested, !isAnswering {
            readRequested = false
            context.read()
        }
    }

    private func respond(_ status: HTTPResponse.Status, _ headers: HTTPFields, _ json: String, context: ChannelHandlerContext) {
        let body = ByteBuffer(string: json)
        var fields = headers
        fields[.contentLength] = String(body.readableBytes)
        fields[.date] = date()
        fields[.server] = serverName
        context.write(wrapOutboundOut(.head(HTTPResponse(status: status, headerFields: fields))), promise: nil)
        context.write(wrapOutboundOut(.body(body)), promise: nil)
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
