import BoxofficeDomain
import NIOCore
import NIOWebSocket

/// One live client's socket: frames are written on the connection's own event loop, straight below the
/// WebSocket encoder, as the bytes every other connection gets too.
///
/// Seat map deltas are *droppable*: while the socket cannot take more (the client reads too slowly), a delta is not
/// queued; the connection keeps only the latest one per event, and writes it once the socket can take it again, so
/// the client sees the gap in versions (or, if it missed only that one, the delta itself) and never stays behind
/// unknowingly. Replies and customer pushes are not droppable, but a client that keeps asking while reading nothing
/// may only have a few of them waiting. A socket that stays unable to take more for
/// ``LiveHub/Limits/slowClientTimeout``, or exceeds that allowance, is closed with 1008.
public final class LiveConnection: Sendable {
    private struct OnLoop {
        /// Where frames are written: the context of the WebSocket encoder, below which bytes go to the socket.
        var writer: ChannelHandlerContext
        /// Since when the socket could not take more, while it cannot.
        var unwritableSince: NIODeadline?
        /// Frames written while the socket could not take more, since it last could.
        var waitingFrames = 0
        /// The latest delta of each event that could not be written, written once the socket can take it.
        var missed: [EventID: ByteBuffer] = [:]
        /// Whether a retry of the missed deltas is scheduled.
        var retryScheduled = false
        /// Whether the connection is closing: nothing more is written.
        var closing = false
    }

    /// How many frames that cannot be dropped may wait in a socket that takes nothing.
    static let waitingFrameAllowance = 64
    /// How often missed deltas are tried again while the socket cannot take them.
    static let retryInterval: TimeAmount = .milliseconds(100)

    /// Identifies the connection within its hub.
    public let id: Int
    /// The loop the connection's channel lives on; every write happens there.
    let eventLoop: any EventLoop
    private let channel: any Channel
    private let slowClientTimeout: TimeAmount
    /// Empty until ``attach()``; frames for a connection not yet attached are not written.
    private let onLoop: NIOLoopBoundBox<OnLoop?>
    private let onDropped: @Sendable (LiveConnection) -> Void

    init(id: Int, channel: any Channel, slowClientTimeout: TimeAmount, onDropped: @escaping @Sendable (LiveConnection) -> Void) {
        self.id = id
        self.channel = channel
        self.eventLoop = channel.eventLoop
        self.slowClientTimeout = slowClientTimeout
        self.onDropped = onDropped
        self.onLoop = NIOLoopBoundBox.makeEmptyBox(valueType: OnLoop.self, eventLoop: channel.eventLoop)
    }

    /// Finds where to write, once the WebSocket handlers are in the pipeline; call on the connection's loop.
    func attach() throws {
        onLoop.value = OnLoop(writer: try channel.pipeline.syncOperations.context(handlerType: WebSocketFrameEncoder.self))
    }

    /// Stops writing, once the client closed or the connection is being torn down; from any thread.
    func detach() {
        eventLoop.execute { self.onLoop.value?.closing = true }
    }

    /// Writes a frame that is never dropped (a reply, a booking or wallet push) from any thread, hopping to the
    /// connection's loop when needed.
    func send(_ frame: ByteBuffer) {
        if eventLoop.inEventLoop {
            deliver(frame, droppedFor: nil)
        } else {
            eventLoop.execute { self.deliver(frame, droppedFor: nil) }
        }
    }

    /// Writes a frame on the connection's loop. A delta of an event (`droppedFor`) that the socket cannot take now
    /// is kept as that event's missed delta instead, replacing an older one.
    func deliver(_ frame: ByteBuffer, droppedFor event: EventID?) {
        eventLoop.preconditionInEventLoop()
        guard var state = onLoop.value, !state.closing, channel.isActive else { return }
        if channel.isWritable {
            state.unwritableSince = nil
            state.waitingFrames = 0
            if let event { state.missed[event] = nil }
            onLoop.value = state
            state.writer.writeAndFlush(NIOAny(frame), promise: nil)
            return
        }
        let now = NIODeadline.now()
        state.unwritableSince = state.unwritableSince ?? now
        if let event {
            state.missed[event] = frame
        } else {
            state.waitingFrames += 1
        }
        onLoop.value = state
        if now - (state.unwritableSince ?? now) > slowClientTimeout || state.waitingFrames > Self.waitingFrameAllowance {
            return close(code: 1008, reason: "too slow: read the seat map again after reconnecting")
        }
        if event == nil { state.writer.writeAndFlush(NIOAny(frame), promise: nil) }
        if !state.retryScheduled, !state.missed.isEmpty { scheduleRetry() }
    }

    /// Writes the missed deltas once the socket can take them, looking again every ``retryInterval``.
    private func scheduleRetry() {
        onLoop.value?.retryScheduled = true
        eventLoop.assumeIsolated().scheduleTask(in: Self.retryInterval) {
            guard var state = self.onLoop.value, !state.closing, self.channel.isActive else { return }
            state.retryScheduled = false
            self.onLoop.value = state
            guard self.channel.isWritable else {
                if NIODeadline.now() - (state.unwritableSince ?? .now()) > self.slowClientTimeout {
                    self.close(code: 1008, reason: "too slow: read the seat map again after reconnecting")
                } else {
                    self.scheduleRetry()
                }
                return
            }
            for (event, frame) in state.missed.sorted(by: { $0.key < $1.key }) { self.deliver(frame, droppedFor: event) }
        }
    }

    /// Sends a close frame, and closes the socket once it is written (or after a second, for a client that reads
    /// nothing any more); on the connection's loop.
    func close(code: UInt16, reason: String) {
        eventLoop.preconditionInEventLoop()
        guard let state = onLoop.value, !state.closing else { return }
        onLoop.value?.closing = true
        onLoop.value?.missed = [:]
        let channel = self.channel
        let written = eventLoop.makePromise(of: Void.self)
        state.writer.writeAndFlush(NIOAny(LiveFrame.close(code: code, reason: reason)), promise: written)
        written.futureResult.whenComplete { _ in channel.close(promise: nil) }
        eventLoop.scheduleTask(in: .seconds(1)) { channel.close(promise: nil) }
        onDropped(self)
    }
}
