@testable import BoxofficeAMQP
import NIOCore
import NIOPosix

/// A broker stand-in on loopback: each accepted socket becomes a `FakeBrokerConnection` that a test drives by hand.
final class FakeBroker: Sendable {
    typealias Accepted = (channel: any Channel, inbound: AsyncStream<ByteBuffer>)

    private let serverChannel: any Channel
    private let accepted: AsyncStream<Accepted>
    let port: Int

    private init(serverChannel: any Channel, accepted: AsyncStream<Accepted>) {
        self.serverChannel = serverChannel
        self.accepted = accepted
        self.port = serverChannel.localAddress!.port!
    }

    static func start() async throws -> FakeBroker {
        let (accepted, acceptedContinuation) = AsyncStream<Accepted>.makeStream()
        let serverChannel = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelInitializer { channel in
                let (inbound, inboundContinuation) = AsyncStream<ByteBuffer>.makeStream()
                acceptedContinuation.yield((channel, inbound))
                return channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHandler(InboundCollector(continuation: inboundContinuation))
                }
            }
            .bind(host: "127.0.0.1", port: 0)
            .get()
        return FakeBroker(serverChannel: serverChannel, accepted: accepted)
    }

    /// A configuration that points at this broker.
    func configuration(heartbeat: Duration = .zero, frameMax: UInt32 = 131_072) -> AMQPConfiguration {
        AMQPConfiguration(
            host: "127.0.0.1",
            port: self.port,
            username: "user",
            password: "secret-password",
            heartbeat: heartbeat,
            frameMax: frameMax,
            connectTimeout: .seconds(5)
        )
    }

    /// The next accepted connection.
    func accept() async throws -> FakeBrokerConnection {
        var iterator = self.accepted.makeAsyncIterator()
        guard let accepted = await iterator.next() else {
            throw FakeBrokerError("the fake broker stopped")
        }
        return FakeBrokerConnection(channel: accepted.channel, inbound: accepted.inbound)
    }

    func stop() async throws {
        try await self.serverChannel.close()
    }
}

struct FakeBrokerError: Error, CustomStringConvertible {
    var description: String

    init(_ description: String) {
        self.description = description
    }
}

/// Passes every received buffer to an `AsyncStream`, which ends when the socket closes.
private final class InboundCollector: ChannelInboundHandler, Sendable {
    typealias InboundIn = ByteBuffer

    let continuation: AsyncStream<ByteBuffer>.Continuation

    init(continuation: AsyncStream<ByteBuffer>.Continuation) {
        self.continuation = continuation
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        self.continuation.yield(self.unwrapInboundIn(data))
    }

    func channelInactive(context: ChannelHandlerContext) {
        self.continuation.finish()
    }
}

/// The broker's side of one client connection.
struct FakeBrokerConnection {
    let channel: any Channel
    private var inbound: AsyncStream<ByteBuffer>.AsyncIterator
    private var buffer = ByteBuffer()
    private var decoder = AMQPFrameDecoder(maximumFrameSize: 0)
    private var readHeader = false

    init(channel: any Channel, inbound: AsyncStream<ByteBuffer>) {
        self.channel = channel
        self.inbound = inbound.makeAsyncIterator()
    }

    /// The next frame from the client, or nil when the client closed the socket.
    mutating func readFrame() async throws -> AMQPFrame? {
        if !self.readHeader {
            guard try await self.fill(AMQPFraming.protocolHeader.count) else { return nil }
            let header = self.buffer.readBytes(length: AMQPFraming.protocolHeader.count)
            guard header == AMQPFraming.protocolHeader else {
                throw FakeBrokerError("bad protocol header \(String(describing: header))")
            }
            self.readHeader = true
        }
        while true {
            if let frame = try self.decoder.decode(&self.buffer) {
                return frame
            }
            guard var more = await self.inbound.next() else { return nil }
            self.buffer.writeBuffer(&more)
        }
    }

    /// Reads until `count` bytes are buffered; false when the client closed the socket first.
    private mutating func fill(_ count: Int) async throws -> Bool {
        while self.buffer.readableBytes < count {
            guard var more = await self.inbound.next() else { return false }
            self.buffer.writeBuffer(&more)
        }
        return true
    }

    /// The next method on `channel`, skipping heartbeats; fails on anything else or on end of stream.
    mutating func expectMethod(channel: UInt16 = 0) async throws -> AMQPMethod {
        while let frame = try await self.readFrame() {
            switch frame.payload {
            case .heartbeat:
                continue
            case .method(let method) where frame.channel == channel:
                return method
            default:
                throw FakeBrokerError("expected a method on channel \(channel), got \(frame)")
            }
        }
        throw FakeBrokerError("the client closed the socket while a method was expected")
    }

    /// Reads one publish: basic.publish, its content header and its body frames.
    mutating func expectPublish(channel: UInt16) async throws -> (BasicPublish, AMQPProperties, ByteBuffer, bodyFrames: Int) {
        guard case .basicPublish(let publish) = try await self.expectMethod(channel: channel) else {
            throw FakeBrokerError("expected basic.publish")
        }
        guard let frame = try await self.readFrame(), case .header(let header) = frame.payload else {
            throw FakeBrokerError("expected a content header")
        }
        var body = ByteBuffer()
        var bodyFrames = 0
        while body.readableBytes < Int(header.bodySize) {
            guard let frame = try await self.readFrame(), case .body(var part) = frame.payload else {
                throw FakeBrokerError("expected a content body frame")
            }
            bodyFrames += 1
            body.writeBuffer(&part)
        }
        return (publish, header.properties, body, bodyFrames)
    }

    /// Frames until the client closes the socket.
    mutating func readUntilClosed() async throws -> [AMQPFrame] {
        var frames: [AMQPFrame] = []
        while let frame = try await self.readFrame() {
            frames.append(frame)
        }
        return frames
    }

    func send(_ method: AMQPMethod, channel: UInt16 = 0) async throws {
        var buffer = ByteBuffer()
        try buffer.writeAMQPMethodFrame(channel: channel, method)
        try await self.channel.writeAndFlush(buffer)
    }

    func send(_ frames: [AMQPFrame]) async throws {
        var buffer = ByteBuffer()
        for frame in frames {
            try buffer.writeAMQPFrame(frame)
        }
        try await self.channel.writeAndFlush(buffer)
    }

    /// Sends a message with its method, header and body frames.
    func sendContent(_ method: AMQPMethod, channel: UInt16, properties: AMQPProperties = .init(), body: String) async throws {
        var buffer = ByteBuffer()
        try buffer.writeAMQPMethodFrame(channel: channel, method)
        try buffer.writeAMQPContent(channel: channel, properties: properties, body: ByteBuffer(string: body), maximumFrameSize: 4096)
        try await self.channel.writeAndFlush(buffer)
    }

    func sendRaw(_ bytes: [UInt8]) async throws {
        try await self.channel.writeAndFlush(ByteBuffer(bytes: bytes))
    }

    func close() async {
        try? await self.channel.close()
    }

    /// Answers the client's handshake; returns its start-ok and tune-ok.
    @discardableResult
    mutating func handshake(
        heartbeat: UInt16 = 0,
        frameMax: UInt32 = 131_072,
        channelMax: UInt16 = 2047
    ) async throws -> (ConnectionStartOk, ConnectionTune) {
        try await self.send(
            .connectionStart(ConnectionStart(serverProperties: ["product": "fake"], mechanisms: "AMQPLAIN PLAIN", locales: "en_US"))
        )
        guard case .connectionStartOk(let startOk) = try await self.expectMethod() else {
            throw FakeBrokerError("expected connection.start-ok")
        }
        try await self.send(.connectionTune(ConnectionTune(channelMax: channelMax, frameMax: frameMax, heartbeat: heartbeat)))
        guard case .connectionTuneOk(let tuneOk) = try await self.expectMethod() else {
            throw FakeBrokerError("expected connection.tune-ok")
        }
        guard case .connectionOpen = try await self.expectMethod() else {
            throw FakeBrokerError("expected connection.open")
        }
        try await self.send(.connectionOpenOk)
        return (startOk, tuneOk)
    }

    /// Answers channel.open on the next channel the client opens; returns its id.
    mutating func acceptChannel() async throws -> UInt16 {
        guard let frame = try await self.readFrame(), case .method(.channelOpen) = frame.payload else {
            throw FakeBrokerError("expected channel.open")
        }
        try await self.send(.channelOpenOk, channel: frame.channel)
        return frame.channel
    }
}
