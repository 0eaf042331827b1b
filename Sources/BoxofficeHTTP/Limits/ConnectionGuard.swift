import NIOCore

/// Guards one connection from the moment it is accepted, before a byte of it is parsed: counts it against the
/// caps (``ConnectionLimits``), closes it when a request head does not arrive within the header timeout (a silent
/// connection, a slowloris) or a request body within the body timeout, closes it when it stays idle — every request
/// answered and no byte of the next — for the idle timeout, and closes it at once when a graceful shutdown begins while
/// it has no request in hand (silent, half-sent or between requests).
///
/// The idle timeout is kept here, not by Hummingbird: Hummingbird sees only the requests that reach its router, so a
/// connection busy with requests the event loop answers itself (``FlashSaleChannelHandler``) would look idle to it.
///
/// It sits first in the pipeline, on bytes; ``RequestWatcher``, after the HTTP decoder, tells it where each
/// request begins and ends. One timer per connection runs only while a deadline is set.
final class ConnectionGuard: ChannelDuplexHandler, RemovableChannelHandler {
    typealias InboundIn = ByteBuffer
    typealias InboundOut = ByteBuffer
    typealias OutboundIn = ByteBuffer
    typealias OutboundOut = ByteBuffer

    /// Where the connection is in reading its requests.
    enum Phase {
        /// Waiting for a request head that must be whole by the deadline.
        case awaitingHead(deadline: NIODeadline)
        /// Reading a request body that must be whole by the deadline.
        case readingBody(deadline: NIODeadline)
        /// Every request begun is read whole; once every one is answered (see ``unanswered``) the connection is idle
        /// and must send its next byte by the deadline.
        case betweenRequests(idleDeadline: NIODeadline?)
        /// Upgraded to a live socket, or closing: nothing more to guard.
        case done
    }

    private let limits: ConnectionLimits
    private let headerTimeout: TimeAmount
    private let bodyTimeout: TimeAmount
    private let idleTimeout: TimeAmount
    private var counted: String?
    private(set) var phase = Phase.betweenRequests(idleDeadline: nil)
    /// Requests whose head arrived and whose answer is not written yet (an answer may go out before its request's end).
    private var unanswered = 0
    private var timer: (task: Scheduled<Void>, deadline: NIODeadline)?
    private var context: ChannelHandlerContext?

    init(limits: ConnectionLimits, headerTimeout: TimeAmount, bodyTimeout: TimeAmount, idleTimeout: TimeAmount) {
        self.limits = limits
        self.headerTimeout = headerTimeout
        self.bodyTimeout = bodyTimeout
        self.idleTimeout = idleTimeout
    }

    func handlerAdded(context: ChannelHandlerContext) {
        self.context = context
        if context.channel.isActive { accept(context: context) }
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        self.context = nil
        cancelTimer()
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
        cancelTimer()
        context.fireChannelInactive()
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        if case .betweenRequests = phase { set(.awaitingHead(deadline: .now() + headerTimeout)) }
        context.fireChannelRead(data)
    }

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        if event is ChannelShouldQuiesceEvent {
            // A head or a body on its way, and no earlier request still owed its answer: close now rather than hold the
            // shutdown up. A request being read counts as owed until it is read whole, and it never will be.
            let owed: Int
            switch phase {
            case .awaitingHead: owed = unanswered
            case .readingBody: owed = unanswered - 1
            case .betweenRequests, .done: owed = -1
            }
            if owed == 0 {
                context.close(promise: nil)
                return
            }
        }
        context.fireUserInboundEventTriggered(event)
    }

    /// A request head arrived whole.
    func headReceived() {
        unanswered += 1
        set(.readingBody(deadline: .now() + bodyTimeout))
    }
    /// A request arrived whole: the next byte begins the next head; idle from now if its answer is written already.
    func requestReceived() { set(.betweenRequests(idleDeadline: unanswered == 0 ? .now() + idleTimeout : nil)) }
    /// A request's answer is written: the connection is idle from now if nothing else is owed or being read.
    func answered() {
        unanswered = max(0, unanswered - 1)
        if case .betweenRequests = phase, unanswered == 0 { set(.betweenRequests(idleDeadline: .now() + idleTimeout)) }
    }
    /// The connection became a live socket.
    func upgraded() {
        phase = .done
        cancelTimer()
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
        guard let deadline = phase.deadline, let context else { return }
        // One timer at a time, never later than the deadline: a later deadline waits for the timer to fire early.
        if let timer {
            guard deadline < timer.deadline else { return }
            timer.task.cancel()
        }
        schedule(at: deadline, context: context)
    }

    private func schedule(at deadline: NIODeadline, context: ChannelHandlerContext) {
        let bound = NIOLoopBound((handler: self, context: context), eventLoop: context.eventLoop)
        let task = context.eventLoop.scheduleTask(deadline: deadline) {
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
        timer = (task, deadline)
    }

    private func cancelTimer() {
        timer?.task.cancel()
        timer = nil
    }
}

extension ConnectionGuard.Phase {
    /// The moment the connection is closed unless it moves on.
    var deadline: NIODeadline? {
        switch self {
        case .awaitingHead(let deadline), .readingBody(let deadline): deadline
        case .betweenRequests(let idleDeadline): idleDeadline
        case .done: nil
        }
    }
}
