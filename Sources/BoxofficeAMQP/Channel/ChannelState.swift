import NIOCore

/// A request waiting for its synchronous reply on a channel.
struct PendingReply {
    /// What to do on the event loop when the reply arrives, before the caller resumes.
    enum Action {
        case none
        case registerConsumer(AMQPConsumer.Stream.Continuation)
        case finishConsumer
    }

    var expected: AMQPMethodID
    var promise: EventLoopPromise<AMQPMethod>
    var action: Action
}

/// A publish not written yet: it waits for room in the confirm window or for the connection to be unblocked.
struct PublishRequest {
    var publish: BasicPublish
    var properties: AMQPProperties
    var body: ByteBuffer
    var promise: EventLoopPromise<Void>
}

/// A message arriving in frames: its method, then its content header, then its body.
struct IncomingContent {
    enum Method {
        case deliver(BasicDeliver)
        case returned(BasicReturn)
    }

    var method: Method
    var header: AMQPContentHeader?
    var body: ByteBuffer?
    var received: UInt64 = 0
}

/// Everything the handler knows about one open channel; used on the event loop only.
final class ChannelState {
    enum Phase {
        case opening
        case open
        /// channel.close was sent; everything but channel.close and channel.close-ok is discarded.
        case closing
        case closed
    }

    let id: UInt16
    let facade: AMQPChannel
    var phase = Phase.opening
    var pendingReplies = CircularBuffer<PendingReply>()
    var confirms: ConfirmTracker<EventLoopPromise<Void>>?
    var maxUnconfirmed = 1024
    var waitingPublishes = CircularBuffer<PublishRequest>()
    var consumers: [String: AMQPConsumer.Stream.Continuation] = [:]
    var incomingContent: IncomingContent?
    /// A channel.close the broker sent while this client's own close was in flight.
    var serverCloseWhileClosing: AMQPError?
    var closeWaiters: [EventLoopPromise<Void>] = []

    init(id: UInt16, facade: AMQPChannel) {
        self.id = id
        self.facade = facade
    }

    var isUsable: Bool {
        self.phase == .opening || self.phase == .open
    }

    var isConfirmWindowFull: Bool {
        guard let confirms else { return false }
        return confirms.outstanding >= self.maxUnconfirmed
    }

    /// Fails everything in flight on this channel and marks it closed.
    /// - Parameters:
    ///   - error: What every pending operation fails with.
    ///   - reason: What `closed()` reports: nil when the client closed the channel or the connection.
    func tearDown(error: AMQPError, reason: AMQPError?) {
        guard self.phase != .closed else { return }
        self.phase = .closed
        self.facade.markClosed(error: error, reason: reason)
        while let pending = self.pendingReplies.popFirst() {
            if case .registerConsumer(let continuation) = pending.action {
                continuation.finish(throwing: error)
            }
            pending.promise.fail(error)
        }
        if var confirms = self.confirms {
            for promise in confirms.removeAll() {
                promise.fail(error)
            }
            self.confirms = confirms
        }
        while let request = self.waitingPublishes.popFirst() {
            request.promise.fail(error)
        }
        for continuation in self.consumers.values {
            continuation.finish(throwing: error)
        }
        self.consumers.removeAll()
        self.incomingContent = nil
        for waiter in self.closeWaiters {
            waiter.succeed()
        }
        self.closeWaiters.removeAll()
    }
}
