@testable import BoxofficeAMQP
import NIOCore
import Testing

@Suite("Consuming, against a fake broker", .timeLimit(.minutes(1)))
struct ConsumingTests {
    @Test("deliveries arrive in order, ack on their channel, and a broker's basic.cancel ends the consumer")
    func deliveriesAndServerCancel() async throws {
        let broker = try await FakeBroker.start()
        var (connection, server) = try await broker.connectClient(serverFrameMax: 4096)
        let channel = try await server.openChannel(on: connection)
        async let consuming = channel.consume(queue: "tickets")
        guard case .basicConsume(let consume) = try await server.expectMethod(channel: channel.id) else {
            Issue.record("expected basic.consume")
            return
        }
        #expect(consume.queue == "tickets")
        #expect(!consume.noAck)
        try await server.send(.basicConsumeOk(consumerTag: "ctag-1"), channel: channel.id)
        let consumer = try await consuming
        #expect(consumer.tag == "ctag-1")

        let large = String(repeating: "b", count: 9000)
        for (tag, body) in [(UInt64(1), "first"), (2, large), (3, "")] {
            try await server.sendContent(
                .basicDeliver(BasicDeliver(consumerTag: "ctag-1", deliveryTag: tag, redelivered: tag == 3, exchange: "e", routingKey: "k")),
                channel: channel.id,
                properties: AMQPProperties(messageId: "m\(tag)"),
                body: body
            )
        }
        try await server.send(.basicCancel(consumerTag: "ctag-1", noWait: false), channel: channel.id)

        var received: [AMQPDelivery] = []
        let error = await #expect(throws: AMQPError.self) {
            for try await delivery in consumer {
                received.append(delivery)
                try delivery.ack()
            }
        }
        #expect(error?.kind == .consumerCancelled)
        #expect(received.map(\.deliveryTag) == [1, 2, 3])
        #expect(received.map { String(buffer: $0.body) } == ["first", large, ""])
        #expect(received.map(\.properties.messageId) == ["m1", "m2", "m3"])
        #expect(received.map(\.redelivered) == [false, false, true])

        var replies: [AMQPMethod] = []
        for _ in 0..<4 {
            replies.append(try await server.expectMethod(channel: channel.id))
        }
        let acks = replies.filter { if case .basicAck = $0 { true } else { false } }
        #expect(acks == [.basicAck(deliveryTag: 1, multiple: false), .basicAck(deliveryTag: 2, multiple: false), .basicAck(deliveryTag: 3, multiple: false)])
        #expect(replies.contains(.basicCancelOk(consumerTag: "ctag-1")))
        try await broker.stop()
    }

    @Test("cancel ends the consumer normally after basic.cancel-ok; nack and reject carry requeue")
    func clientCancel() async throws {
        let broker = try await FakeBroker.start()
        var (connection, server) = try await broker.connectClient()
        let channel = try await server.openChannel(on: connection)
        async let consuming = channel.consume(queue: "q", consumerTag: "mine")
        _ = try await server.expectMethod(channel: channel.id)
        try await server.send(.basicConsumeOk(consumerTag: "mine"), channel: channel.id)
        let consumer = try await consuming
        try await server.sendContent(
            .basicDeliver(BasicDeliver(consumerTag: "mine", deliveryTag: 1, redelivered: false, exchange: "", routingKey: "q")),
            channel: channel.id,
            body: "one"
        )
        var iterator = consumer.makeAsyncIterator()
        let delivery = try await iterator.next()
        try delivery?.nack(requeue: false)
        try channel.reject(5, requeue: true)
        #expect(try await server.expectMethod(channel: channel.id) == .basicNack(deliveryTag: 1, multiple: false, requeue: false))
        #expect(try await server.expectMethod(channel: channel.id) == .basicReject(deliveryTag: 5, requeue: true))

        async let cancelling: Void = channel.cancel(consumerTag: "mine")
        #expect(try await server.expectMethod(channel: channel.id) == .basicCancel(consumerTag: "mine", noWait: false))
        try await server.send(.basicCancelOk(consumerTag: "mine"), channel: channel.id)
        try await cancelling
        #expect(try await iterator.next() == nil)
        try await broker.stop()
    }

    @Test("a delivery from a closed channel never acks on the channel that reuses its id")
    func ackAfterChannelReuse() async throws {
        let broker = try await FakeBroker.start()
        var (connection, server) = try await broker.connectClient()
        let channel = try await server.openChannel(on: connection)
        async let consuming = channel.consume(queue: "q", consumerTag: "c")
        _ = try await server.expectMethod(channel: channel.id)
        try await server.send(.basicConsumeOk(consumerTag: "c"), channel: channel.id)
        let consumer = try await consuming
        try await server.sendContent(
            .basicDeliver(BasicDeliver(consumerTag: "c", deliveryTag: 1, redelivered: false, exchange: "", routingKey: "q")),
            channel: channel.id,
            body: "x"
        )
        var iterator = consumer.makeAsyncIterator()
        let delivery = try #require(try await iterator.next())

        async let closing: Void = channel.close()
        guard case .channelClose(let close) = try await server.expectMethod(channel: channel.id) else {
            Issue.record("expected channel.close")
            return
        }
        #expect(close.replyCode == 200)
        try await server.send(.channelCloseOk, channel: channel.id)
        try await closing
        #expect(await channel.closed() == nil)
        do {
            _ = try await iterator.next()
            Issue.record("the consumer of a closed channel should throw")
        } catch let error as AMQPError {
            #expect(error.kind == .channelClosed)
        }

        let reused = try await server.openChannel(on: connection)
        #expect(reused.id == channel.id)
        let error = #expect(throws: AMQPError.self) { try delivery.ack() }
        #expect(error?.kind == .channelClosed)
        async let qos: Void = reused.basicQos(prefetchCount: 3)
        #expect(try await server.expectMethod(channel: reused.id) == .basicQos(prefetchSize: 0, prefetchCount: 3, global: false))
        try await server.send(.basicQosOk, channel: reused.id)
        try await qos
        try await broker.stop()
    }
}
