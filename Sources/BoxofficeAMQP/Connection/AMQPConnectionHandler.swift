import Logging
import NIOCore

/// The connection's protocol engine: it owns all connection and channel state and runs only on the event loop.
final class AMQPConnectionHandler: ChannelInboundHandler {
    typealias InboundIn = ByteBuffer
    typealias OutboundOut = ByteBuffer

    enum Phase: Equatable {
        case awaitingStart
        case awaitingTune
        case awaitingOpenOk
        case open
        /// connection.close was sent; only connection.close and connection.close-ok are read.
        case closing
        case closed
    }

    /// Why the connection ends, recorded when that is decided and reported when the socket has closed.
    enum CloseReason {
        case byClient
        case error(AMQPError)

        var error: AMQPError? {
            if case .error(let error) = self { return error }
            return nil
        }
    }

    /// How long to wait for connection.close-ok before the socket is closed anyway.
    static let closeHandshakeTimeout = TimeAmount.seconds(5)
    /// The header added to mandatory confirmed publishes to match a basic.return to its publish.
    static let publishSequenceHeader = "x-boxoffice-publish-seq"

    let configuration: AMQPConfiguration
    var logger: Logger
    let status = AMQPConnectionStatus()
    let handshakePromise: EventLoopPromise<Void>
    let closePromise: EventLoopPromise<AMQPError?>
    let handshakeDeadline: NIODeadline

    var context: ChannelHandlerContext?
    var phase = Phase.awaitingStart
    var closeReason: CloseReason?
    var decoder: AMQPFrameDecoder
    var readBuffer: ByteBuffer?
    /// Set after a framing error: the stream can no longer be cut into frames, so everything received is dropped.
    var discardsInput = false
    var frameMax: UInt32 = 0
    var channels: [UInt16: ChannelState] = [:]
    var channelIDs = ChannelIDAllocator(channelMax: 0)
    var isBlocked = false
    var heartbeatInterval = TimeAmount.zero
    var heartbeatTask: RepeatedTask?
    var lastRead = NIODeadline.now()
    var lastWrite = NIODeadline.now()
    var handshakeTimeout: Scheduled<Void>?
    var closeTimeout: Scheduled<Void>?
    var flushScheduled = false
    var isTornDown = false

    init(configuration: AMQPConfiguration, logger: Logger, handshakeDeadline: NIODeadline, eventLoop: any EventLoop) {
        self.configuration = configuration
        self.logger = logger
        self.handshakeDeadline = handshakeDeadline
        self.handshakePromise = eventLoop.makePromise()
        self.closePromise = eventLoop.makePromise()
        self.decoder = AMQPFrameDecoder(maximumFrameSize: max(AMQPFraming.minimumFrameSize, configuration.frameMax))
    }

    var loopBound: NIOLoopBound<AMQPConnectionHandler> {
        NIOLoopBound(self, eventLoop: self.context!.eventLoop)
    }

    // MARK: NIO events

    func handlerAdded(context: ChannelHandlerContext) {
        self.context = context
        if context.channel.isActive {
            self.startHandshake()
        }
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        self.tearDown()
        self.context = nil
    }

    func channelActive(context: ChannelHandlerContext) {
        self.startHandshake()
        context.fireChannelActive()
    }

    func channelInactive(context: ChannelHandlerContext) {
        self.tearDown()
        context.fireChannelInactive()
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        if self.closeReason == nil {
            self.closeReason = .error(AMQPError(.connectionLost, replyText: "the connection failed: \(error)"))
        }
        self.logger.debug("connection error", metadata: ["error": "\(error)"])
        context.close(promise: nil)
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        self.lastRead = .now()
        guard !self.discardsInput, self.phase != .closed else { return }
        var incoming = self.unwrapInboundIn(data)
        var buffer: ByteBuffer
        if var existing = self.readBuffer {
            self.readBuffer = nil
            existing.writeBuffer(&incoming)
            buffer = existing
        } else {
            buffer = incoming
        }
        while !self.discardsInput, self.phase != .closed {
            let frame: AMQPFrame?
            do {
                frame = try self.decoder.decode(&buffer)
            } catch {
                self.discardsInput = true
                self.failProtocol(error as? AMQPProtocolViolation ?? .frameError("\(error)"), streamIsBroken: true)
                break
            }
            guard let frame else { break }
            do {
                try self.handle(frame)
            } catch {
                self.failProtocol(error)
            }
        }
        guard !self.discardsInput, self.phase != .closed, buffer.readableBytes > 0 else { return }
        if buffer.readerIndex > 65_536 {
            buffer.discardReadBytes()
        }
        self.readBuffer = buffer
    }

    // MARK: Frames

    private func handle(_ frame: AMQPFrame) throws(AMQPProtocolViolation) {
        switch self.phase {
        case .closed:
            return
        case .closing:
            if frame.channel == 0, case .method(let method) = frame.payload {
                try self.handleWhileClosing(method)
            }
        case .awaitingStart, .awaitingTune, .awaitingOpenOk:
            try self.handleHandshake(frame)
        case .open:
            if frame.channel == 0 {
                try self.handleConnectionFrame(frame.payload)
            } else if let channel = self.channels[frame.channel] {
                try self.handleChannelFrame(frame.payload, on: channel)
            } else {
                throw .channelError("a frame on channel \(frame.channel), which is not open")
            }
        }
    }

    private func handleConnectionFrame(_ payload: AMQPFrame.Payload) throws(AMQPProtocolViolation) {
        switch payload {
        case .heartbeat:
            return
        case .header, .body:
            throw .unexpectedFrame("a content frame on channel 0")
        case .method(.connectionClose(let close)):
            self.receivedConnectionClose(close)
        case .method(.connectionBlocked(let reason)):
            self.setBlocked(true, reason: reason)
        case .method(.connectionUnblocked):
            self.setBlocked(false, reason: "")
        case .method(let method):
            throw .commandInvalid("unexpected \(method) on channel 0")
        }
    }

    private func handleWhileClosing(_ method: AMQPMethod) throws(AMQPProtocolViolation) {
        switch method {
        case .connectionClose:
            self.writeAndClose(.connectionCloseOk)
        case .connectionCloseOk:
            self.context?.close(promise: nil)
        default:
            return
        }
    }

    // MARK: Writing

    /// Writes a method frame on a channel; the flush follows at the end of this event loop tick.
    func write(_ method: AMQPMethod, channel: UInt16, promise: EventLoopPromise<Void>? = nil) throws {
        guard let context = self.context else {
            throw self.currentError
        }
        var buffer = context.channel.allocator.buffer(capacity: 64)
        try buffer.writeAMQPMethodFrame(channel: channel, method)
        self.write(buffer, promise: promise)
    }

    /// Writes encoded frames; the flush follows at the end of this event loop tick, so writes close together share it.
    func write(_ buffer: ByteBuffer, promise: EventLoopPromise<Void>? = nil) {
        guard let context = self.context else {
            promise?.fail(self.currentError)
            return
        }
        context.write(self.wrapOutboundOut(buffer), promise: promise)
        self.lastWrite = .now()
        guard !self.flushScheduled else { return }
        self.flushScheduled = true
        let handler = self.loopBound
        context.eventLoop.execute {
            handler.value.flushScheduled = false
            handler.value.context?.flush()
        }
    }

    /// Writes a method that ends the conversation (a close-ok), flushes, and closes the socket once it is written.
    func writeAndClose(_ method: AMQPMethod) {
        guard let context = self.context else { return }
        self.phase = .closing
        var buffer = context.channel.allocator.buffer(capacity: 16)
        try? buffer.writeAMQPMethodFrame(channel: 0, method)
        let handler = self.loopBound
        context.writeAndFlush(self.wrapOutboundOut(buffer)).whenComplete { _ in
            handler.value.context?.close(promise: nil)
        }
    }

    /// The error an operation fails with once the connection is closing or closed.
    var currentError: AMQPError {
        self.closeReason?.error ?? AMQPError.connectionClosedByClient
    }
}
