import NIOCore
import NIOWebSocket

/// One live client's socket: frames are written on the connection's own event loop, straight below the
/// WebSocket encoder, as the bytes every other connection gets too.
///
/// Seat map deltas are *droppable*: while the socket cannot take more (the client reads too slowly), a delta is
/// skipped rather than queued, and the client, seeing a gap in the versions, reads the map again. A connection
/// that stays unable to take more for ``LiveHub/Limits/slowClientTimeout`` is closed with 1008.
public final class LiveConnection: Sendable {
    private struct OnLoop {
        /// Where frames are written: the context of the WebSocket encoder, below which bytes go to the socket.
        var writer: ChannelHandlerContext
        /// Since when the socket could not take more, while it cannot.
        var unwritableSince: NIODeadline?
        /// Whether a close was sent.
        var closing = false
    }

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

    /// Writes a frame from any thread, hopping to the connection's loop when needed; never dropped while the
    /// connection lives.
    func send(_ frame: ByteBuffer) {
        if eventLoop.inEventLoop {
            deliver(frame, droppable: false)
        } else {
            eventLoop.execute { self.deliver(frame, droppable: false) }
        }
    }

    /// Writes a frame on the connection's loop; a droppable one is skipped while the socket cannot take more.
    func deliver(_ frame: ByteBuffer, droppable: Bool) {
        eventLoop.preconditionInEventLoop()
        guard let state = onLoop.value, !state.closing, channel.isActive else { return }
        if channel.isWritable {
            onLoop.value?.unwritableSince = nil
        } else {
            let now = NIODeadline.now()
            let since = state.unwritableSince ?? now
            onLoop.value?.unwritableSince = since
            if now - since > slowClientTimeout {
                close(code: 1008, reason: "too slow: read the seat map again after reconnecting")
                return
            }
            if droppable { return }
        }
        state.writer.writeAndFlush(NIOAny(frame), promise: nil)
    }

    /// Sends a close frame and closes the socket; on the connection's loop.
    func close(code: UInt16, reason: String) {
        eventLoop.preconditionInEventLoop()
        guard let state = onLoop.value, !state.closing else { return }
        onLoop.value?.closing = true
        state.writer.writeAndFlush(NIOAny(LiveFrame.close(code: code, reason: reason)), promise: nil)
        channel.close(promise: nil)
        onDropped(self)
    }
}
