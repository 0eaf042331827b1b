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
        connection.deliver(frame, droppable: true)
        let written = try #require(try channel.readOutbound(as: ByteBuffer.self))
        #expect(written == frame)
        #expect(Array(written.readableBytesView.prefix(2)) == [0x81, 15], "FIN + text, no mask bit, the payload's length")
    }

    @Test("while the socket cannot take more, deltas are skipped; once that lasts, the client is closed with 1008 and forgotten")
    func slowClientSkippedThenClosed() async throws {
        let hub = LiveHub(limits: .init(slowClientTimeout: .milliseconds(50)), logger: Logger(label: "test"))
        let (connection, channel) = try Self.connection(hub: hub)
        #expect(hub.subscribe(connection, to: .event(EventID(rawValue: 1))))
        let delta = LiveFrame.text(ByteBuffer(string: "{}"))

        channel.isWritable = false
        connection.deliver(delta, droppable: true)
        #expect(try channel.readOutbound(as: ByteBuffer.self) == nil, "a delta the socket cannot take is skipped, not queued")
        connection.send(LiveFrame.text(ByteBuffer(string: #"{"type":"pong"}"#)))
        #expect(try channel.readOutbound(as: ByteBuffer.self) != nil, "a reply is not droppable")
        #expect(hub.connectionCount == 1)

        try await Task.sleep(for: .milliseconds(80))
        connection.deliver(delta, droppable: true)
        let close = try #require(try channel.readOutbound(as: ByteBuffer.self))
        #expect(Array(close.readableBytesView.prefix(4)) == [0x88, UInt8(close.readableBytes - 2), 0x03, 0xF0], "a close frame with 1008")
        #expect(!channel.isActive)
        #expect(hub.connectionCount == 0)
    }

    @Test("a socket that catches up in time is not closed")
    func catchingUpKeepsTheClient() async throws {
        let hub = LiveHub(limits: .init(slowClientTimeout: .milliseconds(200)), logger: Logger(label: "test"))
        let (connection, channel) = try Self.connection(hub: hub)
        let delta = LiveFrame.text(ByteBuffer(string: "{}"))
        channel.isWritable = false
        connection.deliver(delta, droppable: true)
        channel.isWritable = true
        connection.deliver(delta, droppable: true)
        #expect(try channel.readOutbound(as: ByteBuffer.self) == delta)
        channel.isWritable = false
        try await Task.sleep(for: .milliseconds(120))
        connection.deliver(delta, droppable: true)
        #expect(channel.isActive, "the time unable to take more counts from the last time it could")
        #expect(hub.connectionCount == 1)
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
