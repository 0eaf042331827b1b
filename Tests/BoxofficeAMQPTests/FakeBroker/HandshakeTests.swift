@testable import BoxofficeAMQP
import NIOCore
import NIOPosix
import Testing

@Suite("Handshake and closing, against a fake broker", .timeLimit(.minutes(1)))
struct HandshakeTests {
    @Test("PLAIN credentials, capabilities, tune negotiation and vhost; close sends connection.close")
    func handshakeAndClose() async throws {
        let broker = try await FakeBroker.start()
        let configuration = broker.configuration(heartbeat: .seconds(30), frameMax: 131_072)
        async let connecting = AMQPConnection.connect(configuration, on: MultiThreadedEventLoopGroup.singleton, logger: .test)
        var server = try await broker.accept()
        let (startOk, tuneOk) = try await server.handshake(heartbeat: 20, frameMax: 8192, channelMax: 100)
        let connection = try await connecting

        #expect(startOk.mechanism == "PLAIN")
        #expect(Array(startOk.response.readableBytesView) == Array("\0user\0secret-password".utf8))
        guard case .table(let capabilities) = startOk.clientProperties["capabilities"] else {
            Issue.record("no capabilities")
            return
        }
        #expect(capabilities["publisher_confirms"] == .bool(true))
        #expect(capabilities["authentication_failure_close"] == .bool(true))
        #expect(tuneOk == ConnectionTune(channelMax: 100, frameMax: 8192, heartbeat: 20))
        #expect(connection.negotiated == AMQPNegotiatedParameters(frameMax: 8192, channelMax: 100, heartbeat: .seconds(20)))
        #expect(connection.isOpen)

        async let closing: Void = connection.close()
        guard case .connectionClose(let close) = try await server.expectMethod() else {
            Issue.record("expected connection.close")
            return
        }
        #expect(close.replyCode == 200)
        try await server.send(.connectionCloseOk)
        #expect(try await server.readUntilClosed().isEmpty)
        try await closing
        #expect(await connection.closed() == nil)
        #expect(!connection.isOpen)
        try await broker.stop()
    }

    @Test("403 ACCESS_REFUSED after start-ok is authenticationFailed, without the password")
    func authenticationFailure() async throws {
        let broker = try await FakeBroker.start()
        let configuration = broker.configuration()
        let connecting = Task { try await AMQPConnection.connect(configuration, on: MultiThreadedEventLoopGroup.singleton, logger: .test) }
        var server = try await broker.accept()
        try await server.send(.connectionStart(ConnectionStart(serverProperties: [:], mechanisms: "PLAIN", locales: "en_US")))
        guard case .connectionStartOk = try await server.expectMethod() else {
            Issue.record("expected start-ok")
            return
        }
        try await server.send(
            .connectionClose(AMQPCloseArguments(replyCode: 403, replyText: "ACCESS_REFUSED - Login was refused using authentication mechanism PLAIN"))
        )
        guard case .connectionCloseOk = try await server.expectMethod() else {
            Issue.record("expected close-ok")
            return
        }
        #expect(try await server.readUntilClosed().isEmpty)
        let error = await #expect(throws: AMQPError.self) { try await connecting.value }
        #expect(error?.kind == .authenticationFailed)
        #expect(error?.replyCode == 403)
        #expect(error?.description.contains("secret-password") == false)
        #expect(error?.description.contains("user") == true)
        try await broker.stop()
    }

    @Test("a broker's connection.close is answered with close-ok and fails everything")
    func serverClose() async throws {
        let broker = try await FakeBroker.start()
        var (connection, server) = try await broker.connectClient()
        let channel = try await server.openChannel(on: connection, confirms: 16)
        let publish = Task { try await channel.publish(ByteBuffer(string: "x"), exchange: "", routingKey: "q") }
        _ = try await server.expectPublish(channel: channel.id)
        try await server.send(.connectionClose(AMQPCloseArguments(replyCode: 320, replyText: "CONNECTION_FORCED - broker forced connection closure")))
        guard case .connectionCloseOk = try await server.expectMethod() else {
            Issue.record("expected close-ok")
            return
        }
        #expect(try await server.readUntilClosed().isEmpty)
        let reason = await connection.closed()
        #expect(reason?.kind == .connectionClosed)
        #expect(reason?.replyCode == 320)
        #expect(await channel.closed()?.replyCode == 320)
        let publishError = await #expect(throws: AMQPError.self) { try await publish.value }
        #expect(publishError?.replyCode == 320)
        #expect(throws: AMQPError.self) { try channel.ack(1) }
        await #expect(throws: AMQPError.self) { _ = try await connection.openChannel() }
        try await broker.stop()
    }

    @Test("a socket closed without connection.close is connectionLost")
    func socketDropped() async throws {
        let broker = try await FakeBroker.start()
        let (connection, server) = try await broker.connectClient()
        await server.close()
        #expect(await connection.closed()?.kind == .connectionLost)
        try await broker.stop()
    }

    @Test("a broker that never answers the handshake fails the connect after connectTimeout")
    func handshakeTimeout() async throws {
        let broker = try await FakeBroker.start()
        var configuration = broker.configuration()
        configuration.connectTimeout = .milliseconds(300)
        let timeoutConfiguration = configuration
        let connecting = Task { try await AMQPConnection.connect(timeoutConfiguration, on: MultiThreadedEventLoopGroup.singleton, logger: .test) }
        var server = try await broker.accept()
        _ = try await server.readUntilClosed()
        let error = await #expect(throws: AMQPError.self) { try await connecting.value }
        #expect(error?.kind == .connectFailed)
        try await broker.stop()
    }

    @Test("nothing listening is connectFailed")
    func nothingListening() async throws {
        let broker = try await FakeBroker.start()
        let configuration = broker.configuration()
        try await broker.stop()
        let error = await #expect(throws: AMQPError.self) {
            _ = try await AMQPConnection.connect(configuration, on: MultiThreadedEventLoopGroup.singleton, logger: .test)
        }
        #expect(error?.kind == .connectFailed)
    }
}
