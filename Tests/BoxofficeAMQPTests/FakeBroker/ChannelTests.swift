@testable import BoxofficeAMQP
import NIOCore
import Testing

@Suite("Channels, against a fake broker", .timeLimit(.minutes(1)))
struct ChannelTests {
    @Test("channel ids go up to the negotiated channel_max, then channelLimitReached; a closed id is reused")
    func channelLimit() async throws {
        let broker = try await FakeBroker.start()
        var (connection, server) = try await broker.connectClient(serverChannelMax: 2)
        #expect(connection.negotiated.channelMax == 2)
        let first = try await server.openChannel(on: connection)
        let second = try await server.openChannel(on: connection)
        #expect([first.id, second.id] == [1, 2])
        let error = await #expect(throws: AMQPError.self) { _ = try await connection.openChannel() }
        #expect(error?.kind == .channelLimitReached)

        async let closing: Void = first.close()
        #expect(try await server.expectMethod(channel: 1) == .channelClose(AMQPCloseArguments(replyCode: 200, replyText: "closed by the client")))
        try await server.send(.channelCloseOk, channel: 1)
        try await closing
        #expect(try await server.openChannel(on: connection).id == 1)
        try await broker.stop()
    }

    @Test("requests pipelined on a channel get their replies in order; those behind a broker's channel.close fail with it")
    func pipelinedReplies() async throws {
        let broker = try await FakeBroker.start()
        var (connection, server) = try await broker.connectClient()
        let channel = try await server.openChannel(on: connection)
        let first = Task { try await channel.queueDeclare("a", durable: true) }
        guard case .queueDeclare(let a) = try await server.expectMethod(channel: channel.id) else {
            Issue.record("expected queue.declare")
            return
        }
        let second = Task { try await channel.queueDeclare("b", durable: true, passive: true) }
        guard case .queueDeclare(let b) = try await server.expectMethod(channel: channel.id) else {
            Issue.record("expected queue.declare")
            return
        }
        let third = Task { try await channel.queueBind("b", exchange: "e", routingKey: "k") }
        guard case .queueBind = try await server.expectMethod(channel: channel.id) else {
            Issue.record("expected queue.bind")
            return
        }
        #expect([a.queue, b.queue] == ["a", "b"])
        try await server.send(.queueDeclareOk(AMQPQueueInfo(name: "a", messageCount: 1, consumerCount: 0)), channel: channel.id)
        try await server.send(.channelClose(AMQPCloseArguments(replyCode: 404, replyText: "NOT_FOUND - no queue 'b'", classID: 50, methodID: 10)), channel: channel.id)
        #expect(try await first.value.name == "a")
        for failing in [{ _ = try await second.value }, { try await third.value }] as [@Sendable () async throws -> Void] {
            let error = await #expect(throws: AMQPError.self) { try await failing() }
            #expect(error?.kind == .channelClosed)
            #expect(error?.replyCode == 404)
        }
        #expect(try await server.expectMethod(channel: channel.id) == .channelCloseOk)
        try await broker.stop()
    }
}
