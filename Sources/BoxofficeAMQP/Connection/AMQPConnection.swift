import Logging
import NIOCore
import NIOPosix

/// A connection to an AMQP 0-9-1 broker, multiplexing channels over one socket.
public final class AMQPConnection: Sendable {
    private struct Parts: Sendable {
        var channel: any Channel
        var handler: NIOLoopBound<AMQPConnectionHandler>
        var status: AMQPConnectionStatus
        var handshake: EventLoopFuture<Void>
        var closed: EventLoopFuture<AMQPError?>
    }

    private let parts: Parts

    var eventLoop: any EventLoop { self.parts.channel.eventLoop }

    private init(parts: Parts) {
        self.parts = parts
    }

    /// Connects, authenticates with PLAIN, negotiates the limits and opens the virtual host.
    /// - Parameters:
    ///   - configuration: Where to connect and what to ask for.
    ///   - group: The event loop group the connection runs on.
    ///   - logger: The logger for connection events; it never receives the password.
    /// - Returns: The open connection.
    /// - Throws: `AMQPConfigurationError` for invalid settings; `AMQPError` (`connectFailed`, `authenticationFailed`, …).
    public static func connect(
        _ configuration: AMQPConfiguration,
        on group: any EventLoopGroup,
        logger: Logger
    ) async throws -> AMQPConnection {
        try configuration.validate()
        let timeout = TimeAmount(configuration.connectTimeout)
        let deadline = NIODeadline.now() + timeout
        var logger = logger
        logger[metadataKey: "amqp.connection"] = "\(configuration.connectionName ?? configuration.redacted)"
        let connectionLogger = logger
        let parts: Parts
        do {
            parts = try await ClientBootstrap(group: group)
                .connectTimeout(timeout)
                .channelOption(.tcpOption(.tcp_nodelay), value: 1)
                .connect(host: configuration.host, port: configuration.port) { channel in
                    channel.eventLoop.makeCompletedFuture {
                        let handler = AMQPConnectionHandler(
                            configuration: configuration,
                            logger: connectionLogger,
                            handshakeDeadline: deadline,
                            eventLoop: channel.eventLoop
                        )
                        try channel.pipeline.syncOperations.addHandler(handler)
                        return Parts(
                            channel: channel,
                            handler: NIOLoopBound(handler, eventLoop: channel.eventLoop),
                            status: handler.status,
                            handshake: handler.handshakePromise.futureResult,
                            closed: handler.closePromise.futureResult
                        )
                    }
                }
        } catch {
            throw AMQPError(
                .connectFailed,
                replyText: "cannot connect to \(configuration.host):\(configuration.port): \(error)"
            )
        }
        try await parts.handshake.get()
        logger.debug("connected")
        return AMQPConnection(parts: parts)
    }

    /// Opens a channel with the lowest free id.
    public func openChannel() async throws -> AMQPChannel {
        try await self.onEventLoop(of: AMQPChannel.self) { handler, promise in
            handler.openChannel(on: self, promise: promise)
        }
    }

    /// Closes the connection: connection.close, then close-ok, then the socket closes; returns once it has.
    public func close() async throws {
        let handler = self.parts.handler
        self.eventLoop.execute {
            handler.value.close()
        }
        _ = await self.closed()
    }

    /// Waits until the connection has closed and tells why: nil when this client closed it.
    public func closed() async -> AMQPError? {
        (try? await self.parts.closed.get()) ?? nil
    }

    /// Whether the connection is open.
    public var isOpen: Bool { self.parts.status.isOpen }

    /// Whether the broker sent connection.blocked and not yet connection.unblocked; publishes wait meanwhile.
    public var isBlocked: Bool { self.parts.status.isBlocked }

    /// The frame_max, channel_max and heartbeat agreed with the broker.
    public var negotiated: AMQPNegotiatedParameters { self.parts.status.negotiated }

    /// Runs `body` with the handler on the event loop and waits for the promise it completes.
    func onEventLoop<Value: Sendable>(
        of type: Value.Type,
        _ body: @escaping @Sendable (AMQPConnectionHandler, EventLoopPromise<Value>) -> Void
    ) async throws -> Value {
        let promise = self.eventLoop.makePromise(of: Value.self)
        let handler = self.parts.handler
        self.eventLoop.execute {
            body(handler.value, promise)
        }
        return try await promise.futureResult.get()
    }

    /// Runs `body` with the handler on the event loop without waiting.
    func onEventLoop(_ body: @escaping @Sendable (AMQPConnectionHandler) -> Void) {
        let handler = self.parts.handler
        self.eventLoop.execute {
            body(handler.value)
        }
    }
}
