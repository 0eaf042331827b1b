@testable import BoxofficeHTTP
import BoxofficeDomain
import Foundation
import Logging
import NIOCore
import NIOEmbedded
import NIOWebSocket
import Testing

@Suite("A live client's socket")
struct LiveConnectionTests {
    /// A connection on an in-memory channel with the WebSocket encoder, as after an upgrade.
    private static func connection(hub: LiveHub) throws -> (LiveConnection, EmbeddedChannel) {
        let channel = EmbeddedChannel()
        try channel.pipeline.syncOperations.addHandler(WebSocketFrameEncoder())
        try channel.connect(to: SocketAddress(ipAddress: "127.0.0.1", port: 8080)).wait()
        let connection = hub.connect(channel)
        try connection.attach()
        return (connection, channel)
    }

    @Test("a frame is written as it was built, once per connection, unmasked")
    func framesWrittenAsBuilt() throws {
        let hub = LiveHub(logger: Logger(label: "test"))
        let (connection, channel) = try Self.connection(hub: hub)
        let frame = LiveFrame.text(ByteBuffer(string: #"{"type":"pong"}"#))
        connection.deliver(frame, droppedFor: Self.event)
        let written = try #require(try channel.readOutbound(as: ByteBuffer.self))
        #expect(written == frame)
        #expect(Array(written.readableBytesView.prefix(2)) == [0x81, 15], "FIN + text, no mask bit, the payload's length")
    }

    static let event = EventID(rawValue: 1)

    @Test("a delta the socket cannot take waits as the event's latest, and is written once the socket can take it")
    func missedDeltaWrittenLater() throws {
        let hub = LiveHub(logger: Logger(label: "test"))
        let (connection, channel) = try Self.connection(hub: hub)
        let older = LiveFrame.text(ByteBuffer(string: #"{"version":2}"#))
        let latest = LiveFrame.text(ByteBuffer(string: #"{"version":3}"#))
        channel.isWritable = false
        connection.deliver(older, droppedFor: Self.event)
        connection.deliver(latest, droppedFor: Self.event)
        #expect(try channel.readOutbound(as: ByteBuffer.self) == nil, "nothing is queued while the socket cannot take it")
        channel.embeddedEventLoop.advanceTime(by: LiveConnection.retryInterval)
        #expect(try channel.readOutbound(as: ByteBuffer.self) == nil, "still full: still waiting")
        channel.isWritable = true
        channel.embeddedEventLoop.advanceTime(by: LiveConnection.retryInterval)
        #expect(try channel.readOutbound(as: ByteBuffer.self) == latest, "only the event's latest delta: the client sees the gap, or exactly what it missed")
        #expect(try channel.readOutbound(as: ByteBuffer.self) == nil)
    }

    @Test("while the socket cannot take more for too long, the client is closed with 1008 and forgotten")
    func slowClientClosed() async throws {
        let hub = LiveHub(limits: .init(slowClientTimeout: .milliseconds(50)), logger: Logger(label: "test"))
        let (connection, channel) = try Self.connection(hub: hub)
        #expect(hub.subscribe(connection, to: .event(Self.event)))
        let delta = LiveFrame.text(ByteBuffer(string: "{}"))
        channel.isWritable = false
        connection.deliver(delta, droppedFor: Self.event)
        connection.send(LiveFrame.text(ByteBuffer(string: #"{"type":"pong"}"#)))
        #expect(try channel.readOutbound(as: ByteBuffer.self) != nil, "a reply is not dropped")
        #expect(hub.connectionCount == 1)

        try await Task.sleep(for: .milliseconds(80))
        connection.deliver(delta, droppedFor: Self.event)
        let close = try #require(try channel.readOutbound(as: ByteBuffer.self))
        #expect(Array(close.readableBytesView.prefix(4)) == [0x88, UInt8(close.readableBytes - 2), 0x03, 0xF0], "a close frame with 1008")
        #expect(!channel.isActive)
        #expect(hub.connectionCount == 0)
    }

    @Test("a client that keeps asking while reading nothing is closed before its answers pile up")
    func askingWithoutReadingClosed() throws {
        let hub = LiveHub(logger: Logger(label: "test"))
        let (connection, channel) = try Self.connection(hub: hub)
        channel.isWritable = false
        for _ in 0 ..< LiveConnection.waitingFrameAllowance { connection.send(LiveFrame.text(ByteBuffer(string: #"{"type":"pong"}"#))) }
        #expect(channel.isActive)
        connection.send(LiveFrame.text(ByteBuffer(string: #"{"type":"pong"}"#)))
        #expect(!channel.isActive)
        #expect(hub.connectionCount == 0)
    }

    @Test("a socket that catches up in time is not closed")
    func catchingUpKeepsTheClient() async throws {
        let hub = LiveHub(limits: .init(slowClientTimeout: .milliseconds(200)), logger: Logger(label: "test"))
        let (connection, channel) = try Self.connection(hub: hub)
        let delta = LiveFrame.text(ByteBuffer(string: "{}"))
        channel.isWritable = false
        connection.deliver(delta, droppedFor: Self.event)
        channel.isWritable = true
        connection.deliver(delta, droppedFor: Self.event)
        #expect(try channel.readOutbound(as: ByteBuffer.self) == delta)
        channel.isWritable = false
        try await Task.sleep(for: .milliseconds(120))
        connection.deliver(delta, droppedFor: Self.event)
        #expect(channel.isActive, "the time unable to take more counts from the last time it could")
        #expect(hub.connectionCount == 1)
    }

    @Test("nothing is written after the connection was let go")
    func nothingAfterDetach() throws {
        let hub = LiveHub(logger: Logger(label: "test"))
        let (connection, channel) = try Self.connection(hub: hub)
        hub.disconnect(connection)
        channel.embeddedEventLoop.run()
        connection.deliver(LiveFrame.text(ByteBuffer(string: "{}")), droppedFor: Self.event)
        #expect(try channel.readOutbound(as: ByteBuffer.self) == nil)
    }
}

@Suite("The compact form of a delta's seats")
struct SeatChangesTests {
    @Test("seats round-trip, near and far apart, in every status", arguments: [
        [],
        [(1, SeatStatus.held)],
        [(7, .available), (8, .held), (9, .sold)],
        [(51, .held), (2_070, .sold), (1_000_000, .available), (9_000_000_000, .held)],
    ] as [[(Int64, SeatStatus)]])
    func roundTrip(seats: [(Int64, SeatStatus)]) throws {
        let changes = seats.map { (id: SeatID(rawValue: $0.0), status: $0.1) }
        let decoded = try #require(SeatChanges.decode(SeatChanges.encode(changes)))
        #expect(decoded.map(\.id) == changes.map(\.id))
        #expect(decoded.map(\.status) == changes.map(\.status))
    }

    @Test("a seat next to the previous one costs one byte")
    func compact() {
        let seats = (1 ... 1_000).map { (id: SeatID(rawValue: Int64($0)), status: SeatStatus.held) }
        #expect(SeatChanges.encode(seats) == Data(Array(repeating: UInt8(1), count: 1_000)).base64EncodedString())
    }

    @Test("text that is not the encoding is refused", arguments: ["%%%", Data([0x80]).base64EncodedString(), Data([0x03]).base64EncodedString()])
    func refused(text: String) {
        #expect(SeatChanges.decode(text) == nil)
    }
}

@Suite("How often an event's subscribers hear of it")
struct LiveIntervalTests {
    @Test("the minimum interval until the subscribers' frames would pass the budget, then longer")
    func interval() {
        let limits = LiveHub.Limits(flushInterval: .milliseconds(250), framesPerSecond: 30_000)
        #expect(limits.interval(subscribers: 1) == .milliseconds(250))
        #expect(limits.interval(subscribers: 7_500) == .milliseconds(250))
        #expect(limits.interval(subscribers: 15_000) == .milliseconds(500))
        #expect(limits.interval(subscribers: 30_000) == .seconds(1))
    }
}
