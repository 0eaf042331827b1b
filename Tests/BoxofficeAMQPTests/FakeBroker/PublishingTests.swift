@testable import BoxofficeAMQP
import NIOCore
import Testing

@Suite("Publishing and confirms, against a fake broker", .timeLimit(.minutes(1)))
struct PublishingTests {
    /// Starts a publish and waits until the broker has read it, so sequence numbers follow the call order.
    private func publish(
        _ body: String,
        on channel: AMQPChannel,
        server: inout FakeBrokerConnection,
        mandatory: Bool = false
    ) async throws -> (Task<Void, any Error>, AMQPProperties) {
        let task = Task { try await channel.publish(ByteBuffer(string: body), exchange: "e", routingKey: "k", mandatory: mandatory) }
        let (_, properties, received, _) = try await server.expectPublish(channel: channel.id)
        try expectEqual(String(buffer: received), body)
        return (task, properties)
    }

    @Test("a publish is one method, one header and body frames of at most frameMax - 8 bytes")
    func frames() async throws {
        let broker = try await FakeBroker.start()
        var (connection, server) = try await broker.connectClient(serverFrameMax: 4096)
        let channel = try await server.openChannel(on: connection)
        let body = ByteBuffer(repeating: 7, count: 10_000)
        let properties = AMQPProperties(contentType: "application/octet-stream", deliveryMode: 2, messageId: "m1")
        async let publishing: Void = channel.publish(body, exchange: "bookings", routingKey: "created", properties: properties)
        let (publish, receivedProperties, received, bodyFrames) = try await server.expectPublish(channel: channel.id)
        try await publishing
        #expect(publish == BasicPublish(exchange: "bookings", routingKey: "created", mandatory: false))
        #expect(receivedProperties == properties)
        #expect(received == body)
        #expect(bodyFrames == 3)
        try await broker.stop()
    }

    @Test("acks with multiple settle several publishes; a nack fails its publish")
    func multipleAndNack() async throws {
        let broker = try await FakeBroker.start()
        var (connection, server) = try await broker.connectClient()
        let channel = try await server.openChannel(on: connection, confirms: 16)
        let (first, _) = try await self.publish("1", on: channel, server: &server)
        let (second, _) = try await self.publish("2", on: channel, server: &server)
        let (third, _) = try await self.publish("3", on: channel, server: &server)
        try await server.send(.basicAck(deliveryTag: 2, multiple: true), channel: channel.id)
        try await first.value
        try await second.value
        try await server.send(.basicNack(deliveryTag: 3, multiple: false, requeue: false), channel: channel.id)
        let error = await #expect(throws: AMQPError.self) { try await third.value }
        #expect(error?.kind == .publishNacked)
        try await broker.stop()
    }

    @Test("a basic.return fails the publish it names even though an ack follows; an earlier publish acked later succeeds")
    func returnsMatchThePublish() async throws {
        let broker = try await FakeBroker.start()
        var (connection, server) = try await broker.connectClient()
        let channel = try await server.openChannel(on: connection, confirms: 16)
        let (routed, routedProperties) = try await self.publish("routed", on: channel, server: &server, mandatory: true)
        let (unroutable, unroutableProperties) = try await self.publish("unroutable", on: channel, server: &server, mandatory: true)
        #expect(routedProperties.headers?["x-boxoffice-publish-seq"] == .int64(1))
        #expect(unroutableProperties.headers?["x-boxoffice-publish-seq"] == .int64(2))

        try await server.sendContent(
            .basicReturn(BasicReturn(replyCode: 312, replyText: "NO_ROUTE", exchange: "e", routingKey: "k")),
            channel: channel.id,
            properties: unroutableProperties,
            body: "unroutable"
        )
        try await server.send(.basicAck(deliveryTag: 2, multiple: false), channel: channel.id)
        let error = await #expect(throws: AMQPError.self) { try await unroutable.value }
        #expect(error?.kind == .publishReturned)
        #expect(error?.replyCode == 312)
        try await server.send(.basicAck(deliveryTag: 1, multiple: false), channel: channel.id)
        try await routed.value
        try await broker.stop()
    }

    @Test("a broker's channel.close fails unconfirmed publishes, and the channel refuses further work")
    func channelCloseFailsUnconfirmed() async throws {
        let broker = try await FakeBroker.start()
        var (connection, server) = try await broker.connectClient()
        let channel = try await server.openChannel(on: connection, confirms: 16)
        let (pending, _) = try await self.publish("pending", on: channel, server: &server)
        try await server.send(.channelClose(AMQPCloseArguments(replyCode: 406, replyText: "PRECONDITION_FAILED - test", classID: 60, methodID: 40)), channel: channel.id)
        guard case .channelCloseOk = try await server.expectMethod(channel: channel.id) else {
            Issue.record("expected channel.close-ok")
            return
        }
        let error = await #expect(throws: AMQPError.self) { try await pending.value }
        #expect(error?.kind == .channelClosed)
        #expect(error?.replyCode == 406)
        #expect(await channel.closed()?.replyCode == 406)
        await #expect(throws: AMQPError.self) { try await channel.publish(ByteBuffer(), exchange: "", routingKey: "q") }
        #expect(throws: AMQPError.self) { try channel.ack(1) }
        #expect(connection.isOpen)

        let reopened = try await server.openChannel(on: connection)
        #expect(reopened.id == channel.id)
        try await broker.stop()
    }

    @Test("at most maxUnconfirmed publishes are outstanding; the next waits for a confirm")
    func confirmWindow() async throws {
        let broker = try await FakeBroker.start()
        var (connection, server) = try await broker.connectClient()
        let channel = try await server.openChannel(on: connection, confirms: 2)
        let publishes = (1...3).map { number in
            Task { try await channel.publish(ByteBuffer(string: "\(number)"), exchange: "", routingKey: "q") }
        }
        _ = try await server.expectPublish(channel: channel.id)
        _ = try await server.expectPublish(channel: channel.id)
        try await Task.sleep(for: .milliseconds(200))
        async let qos: Void = channel.basicQos(prefetchCount: 1)
        guard case .basicQos = try await server.expectMethod(channel: channel.id) else {
            Issue.record("the third publish did not wait for a confirm")
            return
        }
        try await server.send(.basicQosOk, channel: channel.id)
        try await qos
        try await server.send(.basicAck(deliveryTag: 1, multiple: false), channel: channel.id)
        _ = try await server.expectPublish(channel: channel.id)
        try await server.send(.basicAck(deliveryTag: 3, multiple: true), channel: channel.id)
        for publish in publishes {
            try await publish.value
        }
        try await broker.stop()
    }

    @Test("publishes wait while the connection is blocked and go out when it is unblocked")
    func blocked() async throws {
        let broker = try await FakeBroker.start()
        var (connection, server) = try await broker.connectClient()
        let channel = try await server.openChannel(on: connection, confirms: 16)
        try await server.send(.connectionBlocked(reason: "low on memory"))
        while !connection.isBlocked {
            try await Task.sleep(for: .milliseconds(10))
        }
        let publish = Task { try await channel.publish(ByteBuffer(string: "waits"), exchange: "", routingKey: "q") }
        try await Task.sleep(for: .milliseconds(200))
        async let qos: Void = channel.basicQos(prefetchCount: 5)
        guard case .basicQos = try await server.expectMethod(channel: channel.id) else {
            Issue.record("the publish went out while blocked")
            return
        }
        try await server.send(.basicQosOk, channel: channel.id)
        try await qos
        try await server.send(.connectionUnblocked)
        let (_, _, body, _) = try await server.expectPublish(channel: channel.id)
        #expect(String(buffer: body) == "waits")
        #expect(!connection.isBlocked)
        try await server.send(.basicAck(deliveryTag: 1, multiple: false), channel: channel.id)
        try await publish.value
        try await broker.stop()
    }

    @Test("a short string longer than 255 bytes fails the call without sending anything")
    func invalidArgument() async throws {
        let broker = try await FakeBroker.start()
        var (connection, server) = try await broker.connectClient()
        let channel = try await server.openChannel(on: connection, confirms: 4)
        let long = String(repeating: "q", count: 256)
        let error = await #expect(throws: AMQPError.self) { _ = try await channel.queueDeclare(long, durable: true) }
        #expect(error?.kind == .invalidArgument)
        let publishError = await #expect(throws: AMQPError.self) { try await channel.publish(ByteBuffer(), exchange: "", routingKey: long) }
        #expect(publishError?.kind == .invalidArgument)
        async let declaring = channel.queueDeclare("ok", durable: true)
        guard case .queueDeclare(let declare) = try await server.expectMethod(channel: channel.id) else {
            Issue.record("expected queue.declare")
            return
        }
        #expect(declare.queue == "ok")
        try await server.send(.queueDeclareOk(AMQPQueueInfo(name: "ok", messageCount: 3, consumerCount: 1)), channel: channel.id)
        #expect(try await declaring == AMQPQueueInfo(name: "ok", messageCount: 3, consumerCount: 1))
        try await broker.stop()
    }
}
