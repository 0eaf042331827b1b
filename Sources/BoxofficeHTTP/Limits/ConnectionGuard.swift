import NIOCore

/// Guards one connection from the moment it is accepted, before a byte of it is parsed: counts it against the
/// caps (``ConnectionLimits``), closes it when a request head does not arrive within the header timeout (a silent
/// connection, a slowloris) or a request body within the body timeout, and closes it at once when a graceful
/// shutdown begins while it has no request in hand (silent, half-sent or between requests).
///
/// It sits first in the pipeline, on bytes; ``RequestWatcher``, after the HTTP decoder, tells it where each
/// request begins and ends. One timer per connection runs only while a deadline is set.
final class ConnectionGuard: ChannelDuplexHandler, RemovableChannelHandler {
    typealias InboundIn = ByteBuffer
    typealias InboundOut = ByteBuffer
    typealias OutboundIn = ByteBuffer
    typealias OutboundOut = ByteBuffer

    /// Where the connection is in its requests.
    enum Phase {
        /// Waiting for a request head that must be whole by the deadline.
        case awaitingHead(deadline: NIODeadline)
        /// Reading a request body that must be whole by the deadline.
        case readingBody(deadline: NIODeadline)
        /// A request is read and being answered.
        case answering
        /// Between requests (the idle timeout of the HTTP layer applies).
        case betweenRequests
        /// Upgraded to a live socket, or closing: nothing more to guard.
        case done
    }

    private let limits: ConnectionLimits
    private let headerTimeout: TimeAmount
    private let bodyTimeout: TimeAmount
    private var counted: String?
    private(set) var phase = Phase.betweenRequests
    private var timer: Scheduled<Void>?
    private var context: ChannelHandlerContext?

    init(limits: ConnectionLimits, headerTimeout: TimeAmount, bodyTimeout: TimeAmount) {
        self.limits = limits
        self.headerTimeout = headerTimeout
        self.bodyTimeout = bodyTimeout
    }

    func handlerAdded(context: ChannelHandlerContext) {
        self.context = context
        if context.channel.isActive { accept(context: context) }
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        self.context = nil
        timer?.cancel()
        timer = nil
    }

    func channelActive(context: ChannelHandlerContext) {
        if counted == nil { accept(context: context) }
        context.fireChannelActive()
    }

    func channelInactive(context: ChannelHandlerContext) {
        if let address = counted {
            limits.release(address)
            counted = nil
        }
        phase = .done
        timer?.cancel()
        timer = nil
        context.fireChannelInactive()
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        if case .betweenRequests = phase { set(.awaitingHead(deadline: .now() + headerTimeout)) }
        context.fireChannelRead(data)
    }

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        if event is ChannelShouldQuiesceEvent {
            switch phase {
            case .awaitingHead, .readingBody:
                // Nothing in hand the client is owed an answer for: close now rather than hold the shutdown up.
                context.close(promise: nil)
                return
            case .answering, .betweenRequests, .done:
                break
            }
        }
        context.fireUserInboundEventTriggered(event)
    }

    /// A request head arrived whole.
    func headReceived() { set(.readingBody(deadline: .now() + bodyTimeout)) }
    /// A request arrived whole.
    func requestReceived() { set(.answering) }
    /// A request's answer is written.
    func answered() {
        if case .answering = phase { set(.betweenRequests) }
    }
    /// The connection became a live socket.
    func upgraded() {
        phase = .done
        timer?.cancel()
        timer = nil
    }

    private func accept(context: ChannelHandlerContext) {
        let address = context.channel.remoteAddress?.ipAddress ?? "unknown"
        guard limits.admit(address) else {
            phase = .done
            context.close(promise: nil)
            return
        }
        counted = address
        set(.awaitingHead(deadline: .now() + headerTimeout))
    }

    private func set(_ phase: Phase) {
        self.phase = phase
        guard let deadline = phase.deadline, timer == nil, let context else { return }
        schedule(at: deadline, context: context)
    }

    /// One timer at a time: when it fires early (the deadline moved on), it sets itself again for the new one.
    private func schedule(at deadline: NIODeadline, context: ChannelHandlerContext) {
        let bound = NIOLoopBound((handler: self, context: context), eventLoop: context.eventLoop)
        timer = context.eventLoop.scheduleTask(deadline: deadline) {
            let (handler, context) = bound.value
            handler.timer = nil
            guard let deadline = handler.phase.deadline else { return }
            if deadline <= .now() {
                handler.phase = .done
                context.close(promise: nil)
            } else {
                handler.schedule(at: deadline, context: context)
            }
        }
    }
}

extension ConnectionGuard.Phase {
    /// The moment the connection is closed unless it moves on.
    var deadline: NIODeadline? {
        switch self {
        case .awaitingHead(let deadline), .readingBody(let deadline): deadline
        case .answering, .betweenRequests, .done: nil
        }
    }
}
