@testable import BoxofficeAMQP
import NIOCore
import Testing

@Suite("Frames")
struct FrameCodecTests {
    private func roundTrip(_ frame: AMQPFrame) throws -> AMQPFrame? {
        var buffer = ByteBuffer()
        try buffer.writeAMQPFrame(frame)
        #expect(buffer.getInteger(at: buffer.writerIndex - 1, as: UInt8.self) == 0xCE)
        var decoder = AMQPFrameDecoder(maximumFrameSize: 0)
        let decoded = try decoder.decode(&buffer)
        #expect(buffer.readableBytes == 0)
        return decoded
    }

    static let methods: [AMQPMethod] = [
        .connectionStart(ConnectionStart(serverProperties: ["product": "RabbitMQ"], mechanisms: "PLAIN AMQPLAIN", locales: "en_US")),
        .connectionStartOk(ConnectionStartOk(clientProperties: ["a": 1], mechanism: "PLAIN", response: ByteBuffer(string: "\0u\0p"), locale: "en_US")),
        .connectionTune(ConnectionTune(channelMax: 2047, frameMax: 131_072, heartbeat: 60)),
        .connectionTuneOk(ConnectionTune(channelMax: 10, frameMax: 4096, heartbeat: 5)),
        .connectionOpen(virtualHost: "/"),
        .connectionOpenOk,
        .connectionClose(AMQPCloseArguments(replyCode: 320, replyText: "CONNECTION_FORCED", classID: 0, methodID: 0)),
        .connectionCloseOk,
        .connectionBlocked(reason: "low on memory"),
        .connectionUnblocked,
        .channelOpen,
        .channelOpenOk,
        .channelFlow(active: true),
        .channelFlowOk(active: false),
        .channelClose(AMQPCloseArguments(replyCode: 404, replyText: "NOT_FOUND", classID: 50, methodID: 10)),
        .channelCloseOk,
        .exchangeDeclare(ExchangeDeclare(exchange: "e", type: "topic", passive: false, durable: true, autoDelete: true, internal: false, noWait: false, arguments: ["alternate-exchange": "ae"])),
        .exchangeDeclareOk,
        .queueDeclare(QueueDeclare(queue: "q", passive: true, durable: false, exclusive: true, autoDelete: false, noWait: false, arguments: ["x-queue-type": "quorum"])),
        .queueDeclareOk(AMQPQueueInfo(name: "q", messageCount: 3, consumerCount: 1)),
        .queueBind(QueueBind(queue: "q", exchange: "e", routingKey: "k.#", noWait: false, arguments: [:])),
        .queueBindOk,
        .basicQos(prefetchSize: 0, prefetchCount: 10, global: false),
        .basicQosOk,
        .basicConsume(BasicConsume(queue: "q", consumerTag: "c", noLocal: false, noAck: false, exclusive: true, noWait: false, arguments: [:])),
        .basicConsumeOk(consumerTag: "c"),
        .basicCancel(consumerTag: "c", noWait: true),
        .basicCancelOk(consumerTag: "c"),
        .basicPublish(BasicPublish(exchange: "e", routingKey: "k", mandatory: true, immediate: false)),
        .basicReturn(BasicReturn(replyCode: 312, replyText: "NO_ROUTE", exchange: "e", routingKey: "k")),
        .basicDeliver(BasicDeliver(consumerTag: "c", deliveryTag: 42, redelivered: true, exchange: "e", routingKey: "k")),
        .basicAck(deliveryTag: 7, multiple: true),
        .basicReject(deliveryTag: 8, requeue: false),
        .basicNack(deliveryTag: 9, multiple: true, requeue: false),
        .confirmSelect(noWait: false),
        .confirmSelectOk,
    ]

    @Test("every method frame round-trips", arguments: methods)
    func methodFrames(method: AMQPMethod) throws {
        #expect(try self.roundTrip(AMQPFrame(channel: 3, payload: .method(method))) == AMQPFrame(channel: 3, payload: .method(method)))
    }

    @Test("content header frames round-trip with every property set and with none")
    func headerFrames() throws {
        let all = AMQPProperties(
            contentType: "application/json",
            contentEncoding: "gzip",
            headers: ["x-attempt": .int32(2)],
            deliveryMode: 2,
            priority: 5,
            correlationId: "corr",
            replyTo: "replies",
            expiration: "60000",
            messageId: "msg-1",
            timestamp: 1_700_000_000,
            type: "booking.created",
            userId: "boxoffice",
            appId: "boxoffice-api"
        )
        for properties in [all, AMQPProperties()] {
            let frame = AMQPFrame(channel: 1, payload: .header(AMQPContentHeader(bodySize: 1234, properties: properties)))
            #expect(try self.roundTrip(frame) == frame)
        }
        var none = ByteBuffer()
        try none.writeAMQPContentHeader(AMQPContentHeader(bodySize: 0, properties: AMQPProperties()))
        #expect(none.readableBytes == 14)
        #expect(none.getInteger(at: 12, as: UInt16.self) == 0)
    }

    @Test("body and heartbeat frames round-trip")
    func bodyAndHeartbeatFrames() throws {
        let body = AMQPFrame(channel: 2, payload: .body(ByteBuffer(string: "hello")))
        #expect(try self.roundTrip(body) == body)
        let heartbeat = AMQPFrame(channel: 0, payload: .heartbeat)
        #expect(try self.roundTrip(heartbeat) == heartbeat)
        var wire = ByteBuffer()
        wire.writeAMQPHeartbeatFrame()
        #expect(Array(wire.readableBytesView) == [8, 0, 0, 0, 0, 0, 0, 0xCE])
    }

    @Test("a body is cut into frames of at most frameMax - 8 bytes and reassembles", arguments: [0, 1, 4088, 4089, 10_000])
    func bodySlicing(size: Int) throws {
        let body = ByteBuffer(bytes: (0..<size).map { UInt8(truncatingIfNeeded: $0) })
        var buffer = ByteBuffer()
        try buffer.writeAMQPContent(channel: 1, properties: AMQPProperties(), body: body, maximumFrameSize: 4096)
        var decoder = AMQPFrameDecoder(maximumFrameSize: 4096)
        guard case .header(let header) = try decoder.decode(&buffer)?.payload else {
            Issue.record("expected a header frame")
            return
        }
        #expect(header.bodySize == UInt64(size))
        var reassembled = ByteBuffer()
        var frames = 0
        while let frame = try decoder.decode(&buffer) {
            guard case .body(var part) = frame.payload else {
                Issue.record("expected a body frame")
                return
            }
            #expect(part.readableBytes <= 4088)
            frames += 1
            reassembled.writeBuffer(&part)
        }
        #expect(frames == (size + 4087) / 4088)
        #expect(reassembled == body)
    }

    @Test("a partial frame waits for more bytes")
    func partialFrame() throws {
        var whole = ByteBuffer()
        try whole.writeAMQPMethodFrame(channel: 1, .basicAck(deliveryTag: 1, multiple: false))
        var decoder = AMQPFrameDecoder(maximumFrameSize: 4096)
        for cut in [0, 3, 7, whole.readableBytes - 1] {
            var partial = whole.getSlice(at: 0, length: cut)!
            #expect(try decoder.decode(&partial) == nil)
        }
    }

    @Test("a bad frame end octet is a frame error")
    func badFrameEnd() throws {
        var buffer = ByteBuffer()
        try buffer.writeAMQPMethodFrame(channel: 0, .connectionCloseOk)
        buffer.setInteger(UInt8(0xCD), at: buffer.writerIndex - 1)
        var decoder = AMQPFrameDecoder(maximumFrameSize: 4096)
        let error = #expect(throws: AMQPProtocolViolation.self) { try decoder.decode(&buffer) }
        #expect(error?.replyCode == 501)
    }

    @Test("an unknown frame type is a frame error")
    func unknownFrameType() throws {
        var buffer = ByteBuffer(bytes: [9, 0, 0, 0, 0, 0, 0, 0xCE])
        var decoder = AMQPFrameDecoder(maximumFrameSize: 4096)
        let error = #expect(throws: AMQPProtocolViolation.self) { try decoder.decode(&buffer) }
        #expect(error?.replyCode == 501)
    }

    @Test("a frame larger than frame_max is a frame error before it is buffered")
    func frameTooLarge() throws {
        var buffer = ByteBuffer(bytes: [3, 0, 1, 0, 0, 0x10, 0x00])
        var decoder = AMQPFrameDecoder(maximumFrameSize: 4096)
        let error = #expect(throws: AMQPProtocolViolation.self) { try decoder.decode(&buffer) }
        #expect(error?.replyCode == 501)
    }

    @Test("a truncated method is a syntax error and trailing bytes too")
    func malformedMethod() throws {
        var truncated = ByteBuffer()
        truncated.writeAMQPFrame(type: 1, channel: 0) { payload in
            payload.writeInteger(UInt16(10))
            payload.writeInteger(UInt16(30))
            payload.writeInteger(UInt16(1))
        }
        var decoder = AMQPFrameDecoder(maximumFrameSize: 4096)
        #expect((#expect(throws: AMQPProtocolViolation.self) { try decoder.decode(&truncated) })?.replyCode == 502)

        var trailing = ByteBuffer()
        trailing.writeAMQPFrame(type: 1, channel: 0) { payload in
            try? payload.writeAMQPMethod(.connectionCloseOk)
            payload.writeInteger(UInt8(1))
        }
        #expect((#expect(throws: AMQPProtocolViolation.self) { try decoder.decode(&trailing) })?.replyCode == 502)
    }

    @Test("an unknown method is command-invalid")
    func unknownMethod() throws {
        var buffer = ByteBuffer()
        buffer.writeAMQPFrame(type: 1, channel: 0) { payload in
            payload.writeInteger(UInt16(10))
            payload.writeInteger(UInt16(99))
        }
        var decoder = AMQPFrameDecoder(maximumFrameSize: 4096)
        #expect((#expect(throws: AMQPProtocolViolation.self) { try decoder.decode(&buffer) })?.replyCode == 503)
    }

    @Test("a heartbeat on a channel other than 0 is a frame error")
    func heartbeatOnChannel() throws {
        var buffer = ByteBuffer(bytes: [8, 0, 1, 0, 0, 0, 0, 0xCE])
        var decoder = AMQPFrameDecoder(maximumFrameSize: 4096)
        #expect((#expect(throws: AMQPProtocolViolation.self) { try decoder.decode(&buffer) })?.replyCode == 501)
    }

    @Test("start-ok's description leaves out the password")
    func startOkDescription() {
        let startOk = ConnectionStartOk(clientProperties: [:], mechanism: "PLAIN", response: ByteBuffer(string: "\0user\0hunter2"), locale: "en_US")
        #expect(!"\(startOk)".contains("hunter2"))
        #expect(!"\(AMQPMethod.connectionStartOk(startOk))".contains("hunter2"))
    }
}
