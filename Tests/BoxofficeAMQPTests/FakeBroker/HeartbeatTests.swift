@testable import BoxofficeAMQP
import NIOCore
import Testing

@Suite("Heartbeats, against a fake broker", .timeLimit(.minutes(1)))
struct HeartbeatTests {
    @Test("an idle client sends heartbeats, and drops a silent broker after two intervals")
    func silentBroker() async throws {
        let broker = try await FakeBroker.start()
        // Timed from before the handshake: the broker's last frame (open-ok) comes after this instant, so a client
        // that waits its two intervals can never look early, however late this task is scheduled afterwards.
        let start = ContinuousClock.now
        var (connection, server) = try await broker.connectClient(heartbeat: .seconds(1), serverHeartbeat: 1)
        let frames = try await server.readUntilClosed()
        let elapsed = ContinuousClock.now - start

        let heartbeats = frames.filter { $0.payload == .heartbeat }.count
        #expect(heartbeats >= 2, "the client sent \(heartbeats) heartbeats")
        #expect(frames.count == heartbeats, "the client sent only heartbeats")
        #expect(elapsed >= .milliseconds(1900) && elapsed < .seconds(5), "the client dropped after \(elapsed)")
        let reason = await connection.closed()
        #expect(reason?.kind == .heartbeatTimeout)
        try await broker.stop()
    }

    @Test("a broker that sends heartbeats keeps an idle connection open")
    func liveBroker() async throws {
        let broker = try await FakeBroker.start()
        var (connection, server) = try await broker.connectClient(heartbeat: .seconds(1), serverHeartbeat: 1)
        let brokerChannel = server.channel
        let sender = Task {
            for _ in 0..<10 {
                try await Task.sleep(for: .milliseconds(400))
                var heartbeat = ByteBuffer()
                heartbeat.writeAMQPHeartbeatFrame()
                try await brokerChannel.writeAndFlush(heartbeat)
            }
        }
        let start = ContinuousClock.now
        var heartbeats = 0
        while ContinuousClock.now - start < .seconds(3), let frame = try await server.readFrame() {
            #expect(frame.payload == .heartbeat)
            heartbeats += 1
        }
        #expect(connection.isOpen)
        #expect(heartbeats >= 4, "the client sent \(heartbeats) heartbeats in 3 s")
        try await sender.value
        async let closing: Void = connection.close()
        try await server.answerClientClose()
        try await closing
        #expect(await connection.closed() == nil)
        try await broker.stop()
    }

    @Test("heartbeat 0 requested: no heartbeats are negotiated")
    func disabled() async throws {
        let broker = try await FakeBroker.start()
        var (connection, server) = try await broker.connectClient(heartbeat: .zero, serverHeartbeat: 60)
        #expect(connection.negotiated.heartbeat == .zero)
        async let closing: Void = connection.close()
        try await server.answerClientClose()
        try await closing
        try await broker.stop()
    }
}
