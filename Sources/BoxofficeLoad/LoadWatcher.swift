import Foundation
import NIOCore
import NIOPosix

/// One subscriber of `/api/ws` in the load generator, on a raw connection: it sends the upgrade and one
/// subscribe command (an event's seat map, or its waiting room), answers pings, and counts the frames it reads. A
/// *sampled* watcher also times what it sees: which seats each delta names as held (how long a hold took to become
/// visible), or when each queue frame's cursor stood there (how long the cursor's move took to reach it).
///
/// It is a plain channel handler, so 10,000 of them cost the generator little more than their sockets.
final class LoadWatcher: ChannelInboundHandler {
    typealias InboundIn = ByteBuffer
    typealias OutboundOut = ByteBuffer

    private enum Phase {
        /// Waiting for the `101 Switching Protocols` answer.
        case upgrading
        /// Reading frames.
        case open
        /// The watcher closed its side, or the server did.
        case closed
    }

    /// What a watcher subscribes to, and whether it times what it sees.
    enum Topic: Sendable {
        /// An event's seat map; with a clock, a sampled watcher.
        case seats(eventID: Int, clock: SeatClock?)
        /// An event's waiting room; sampled watchers time each frame.
        case queue(eventID: Int, sampled: Bool)

        var command: String {
            switch self {
            case .seats(let event, _): #"{"action": "subscribe", "event_id": \#(event)}"#
            case .queue(let event, _): #"{"action": "subscribe", "queue": \#(event)}"#
            }
        }

        /// How the server's confirmation starts (its members are sorted).
        var confirmation: [UInt8] {
            switch self {
            case .seats: Array(#"{"epoch""#.utf8)
            case .queue: Array(#"{"queue""#.utf8)
            }
        }

        /// Whether the watcher lets frames gather before it reads: a seat map's unsampled watchers, whose deltas come
        /// many a second. A queue's watchers read each frame (one a second) and answer the server's pings in time.
        var gathersReads: Bool {
            switch self {
            case .seats(_, let clock): clock == nil
            case .queue: false
            }
        }
    }

    /// How the server's refusal of a command starts (`{"detail": …, "type": "error"}`, its members sorted).
    private static let refusal = Array(#"{"detail""#.utf8)

    private let topic: Topic
    private let counts: WatcherCounts
    private var phase = Phase.upgrading
    private var buffer = ByteBuffer()
    private var subscribed: EventLoopPromise<Void>?

    /// Creates a watcher of a topic.
    init(topic: Topic, counts: WatcherCounts, subscribed: EventLoopPromise<Void>) {
        self.topic = topic
        self.counts = counts
        self.subscribed = subscribed
    }

    /// How much a watcher that only counts lets arrive before it reads: it reads every byte, in fewer system calls
    /// (the kernel wakes it once this much is waiting), so thousands of them cost the machine little. The server
    /// sees a client that keeps reading.
    static let countingReadSize = 16_384

    /// Opens a watcher's connection; the future completes once the server confirmed the subscription.
    static func connect(to address: SocketAddress, topic: Topic, counts: WatcherCounts, on eventLoop: any EventLoop) -> EventLoopFuture<any Channel> {
        let subscribed = eventLoop.makePromise(of: Void.self)
        return ClientBootstrap(group: eventLoop)
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHandler(LoadWatcher(topic: topic, counts: counts, subscribed: subscribed))
                }
            }
            .connect(to: address)
            .flatMapError { error in
                subscribed.fail(error)
                return eventLoop.makeFailedFuture(error)
            }
            .flatMap { channel in subscribed.futureResult.map { channel } }
    }

    func channelActive(context: ChannelHandlerContext) {
        var key = [UInt8](repeating: 0, count: 16)
        for index in key.indices { key[index] = .random(in: .min ... .max) }
        let request = "GET /api/ws HTTP/1.1\r\nHost: boxoffice\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
            + "Sec-WebSocket-Key: \(Base64.encode(key))\r\nSec-WebSocket-Version: 13\r\n\r\n"
        context.writeAndFlush(wrapOutboundOut(ByteBuffer(string: request)), promise: nil)
        context.fireChannelActive()
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        var incoming = unwrapInboundIn(data)
        buffer.writeBuffer(&incoming)
        if case .upgrading = phase {
            guard let end = buffer.readableBytesView.firstRange(of: Array("\r\n\r\n".utf8)) else { return }
            let head = buffer.readString(length: end.upperBound - buffer.readerIndex) ?? ""
            guard head.hasPrefix("HTTP/1.1 101") else {
                fail(LoadError("the server refused the WebSocket upgrade: \(head.prefix(40))"), context: context)
                return
            }
            phase = .open
            send(opcode: 0x1, ByteBuffer(string: topic.command), context: context)
        }
        while case .open = phase, let frame = WebSocketFrameReader.next(in: &buffer) {
            handle(frame, context: context)
        }
        buffer.discardReadBytes()
    }

    func channelInactive(context: ChannelHandlerContext) {
        if case .open = phase { counts.dropped() }
        phase = .closed
        fail(LoadError("the connection closed before the subscription was confirmed"), context: context)
        context.fireChannelInactive()
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        fail(error, context: context)
        context.close(promise: nil)
    }

    /// Closes the watcher's side (not counted as dropped).
    static func close(_ channel: any Channel) -> EventLoopFuture<Void> {
        channel.pipeline.handler(type: LoadWatcher.self).flatMap { watcher in
            watcher.phase = .closed
            return channel.close()
        }
    }

    private func handle(_ frame: (opcode: UInt8, payload: ByteBuffer), context: ChannelHandlerContext) {
        switch frame.opcode {
        case 0x1 where subscribed != nil && frame.payload.readableBytesView.starts(with: Self.refusal):
            fail(LoadError("the server refused the subscription: \(String(buffer: frame.payload))"), context: context)
            context.close(promise: nil)
        case 0x1:
            // The topic's own frames may overtake the confirmation: the server sends them from the moment it subscribed.
            if let subscribed, frame.payload.readableBytesView.starts(with: topic.confirmation) {
                self.subscribed = nil
                if topic.gathersReads {
                    context.channel.setOption(.socketOption(NIOBSDSocket.Option(rawValue: SO_RCVLOWAT)), value: SocketOptionValue(Self.countingReadSize))
                        .cascade(to: subscribed)
                } else {
                    subscribed.succeed()
                }
                return
            }
            counts.received(bytes: frame.payload.readableBytes)
            switch topic {
            case .seats(_, let clock?):
                clock.seen(DeltaSeats.held(in: frame.payload), counts: counts)
            case .queue(_, true):
                if let at = QueueFrameTime.milliseconds(in: frame.payload) {
                    counts.visible(after: UInt64(max(0, Date().timeIntervalSince1970 * 1_000 - Double(at)) * 1_000))
                }
            default:
                break
            }
        case 0x8:
            counts.dropped()
            phase = .closed
            context.close(promise: nil)
        case 0x9:
            send(opcode: 0xA, frame.payload, context: context)
        default:
            break
        }
    }

    /// Writes a masked client frame (RFC 6455 §5.3).
    private func send(opcode: UInt8, _ payload: ByteBuffer, context: ChannelHandlerContext) {
        var frame = ByteBuffer()
        frame.writeInteger(0x80 | opcode)
        let length = payload.readableBytes
        if length < 126 {
            frame.writeInteger(0x80 | UInt8(length))
        } else {
            frame.writeInteger(UInt8(0x80 | 126))
            frame.writeInteger(UInt16(length))
        }
        let mask = (0 ..< 4).map { _ in UInt8.random(in: .min ... .max) }
        frame.writeBytes(mask)
        for (index, byte) in payload.readableBytesView.enumerated() { frame.writeInteger(byte ^ mask[index % 4]) }
        context.writeAndFlush(wrapOutboundOut(frame), promise: nil)
    }

    private func fail(_ error: any Error, context: ChannelHandlerContext) {
        guard let subscribed else { return }
        self.subscribed = nil
        subscribed.fail(error)
    }
}

/// Reads server frames (never masked) off a buffer.
enum WebSocketFrameReader {
    /// The next whole frame, or nil (and the buffer untouched) until one has arrived.
    static func next(in buffer: inout ByteBuffer) -> (opcode: UInt8, payload: ByteBuffer)? {
        let start = buffer.readerIndex
        guard let first = buffer.getInteger(at: start, as: UInt8.self), let second = buffer.getInteger(at: start + 1, as: UInt8.self) else { return nil }
        var header = 2
        var length = Int(second & 0x7F)
        if length == 126 {
            guard let extended = buffer.getInteger(at: start + 2, as: UInt16.self) else { return nil }
            length = Int(extended)
            header += 2
        } else if length == 127 {
            guard let extended = buffer.getInteger(at: start + 2, as: UInt64.self) else { return nil }
            length = Int(extended)
            header += 8
        }
        guard buffer.readableBytes >= header + length, let payload = buffer.getSlice(at: start + header, length: length) else { return nil }
        buffer.moveReaderIndex(forwardBy: header + length)
        return (first & 0x0F, payload)
    }
}

/// Finds when a `queue` message's cursor stood where it says (`"at_ms"`), without a JSON decoder.
enum QueueFrameTime {
    static func milliseconds(in payload: ByteBuffer) -> Int64? {
        let bytes = payload.readableBytesView
        guard let key = bytes.firstRange(of: Array(#""at_ms":"#.utf8)) else { return nil }
        var value: Int64 = 0
        var digits = 0
        for byte in bytes[key.upperBound...] {
            guard (UInt8(ascii: "0") ... UInt8(ascii: "9")).contains(byte) else { break }
            value = value * 10 + Int64(byte - UInt8(ascii: "0"))
            digits += 1
        }
        return digits > 0 ? value : nil
    }
}

/// Finds the seats an `inventory` message names as held, without a JSON decoder: its `"seats"` member is one
/// base64 string of varints, `(id − previous id − 1) << 2 | status`.
enum DeltaSeats {
    static func held(in payload: ByteBuffer) -> [Int] {
        let bytes = payload.readableBytesView
        guard let key = bytes.firstRange(of: Array(#""seats":""#.utf8)),
              let end = bytes[key.upperBound...].firstIndex(of: UInt8(ascii: "\"")),
              let data = Data(base64Encoded: Data(bytes[key.upperBound ..< end])) else { return [] }
        var seats: [Int] = []
        var previous = 0
        var value = 0
        var shift = 0
        for byte in data {
            value |= Int(byte & 0x7F) << shift
            shift += 7
            guard byte & 0x80 == 0 else { continue }
            previous += (value >> 2) + 1
            if value & 0x3 == 1 { seats.append(previous) }
            value = 0
            shift = 0
        }
        return seats
    }
}

/// A minimal Base64 encoder for the upgrade's key.
enum Base64 {
    private static let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/".utf8)

    static func encode(_ bytes: [UInt8]) -> String {
        var output: [UInt8] = []
        for start in stride(from: 0, to: bytes.count, by: 3) {
            let chunk = Array(bytes[start ..< min(start + 3, bytes.count)]) + [0, 0]
            let value = UInt32(chunk[0]) << 16 | UInt32(chunk[1]) << 8 | UInt32(chunk[2])
            let count = min(3, bytes.count - start)
            for position in 0 ..< 4 {
                output.append(position <= count ? alphabet[Int(value >> UInt32(18 - 6 * position)) & 0x3F] : UInt8(ascii: "="))
            }
        }
        return String(decoding: output, as: UTF8.self)
    }
}
