@testable import BoxofficeAMQP
import Logging
import NIOCore
import NIOPosix

extension FakeBroker {
    /// Connects a client to this broker and answers its handshake.
    func connectClient(
        heartbeat: Duration = .zero,
        frameMax: UInt32 = 131_072,
        serverHeartbeat: UInt16 = 0,
        serverFrameMax: UInt32 = 131_072,
        serverChannelMax: UInt16 = 2047
    ) async throws -> (AMQPConnection, FakeBrokerConnection) {
        let configuration = self.configuration(heartbeat: heartbeat, frameMax: frameMax)
        async let connecting = AMQPConnection.connect(configuration, on: MultiThreadedEventLoopGroup.singleton, logger: .test)
        var server = try await self.accept()
        try await server.handshake(heartbeat: serverHeartbeat, frameMax: serverFrameMax, channelMax: serverChannelMax)
        return (try await connecting, server)
    }
}

extension FakeBrokerConnection {
    /// Opens a channel from the client and answers it; with `confirms`, also answers confirm.select.
    mutating func openChannel(on connection: AMQPConnection, confirms maxUnconfirmed: Int? = nil) async throws -> AMQPChannel {
        async let opening = connection.openChannel()
        let id = try await self.acceptChannel()
        let channel = try await opening
        try expectEqual(channel.id, id)
        if let maxUnconfirmed {
            async let selecting: Void = channel.confirmSelect(maxUnconfirmed: maxUnconfirmed)
            guard case .confirmSelect(noWait: false) = try await self.expectMethod(channel: id) else {
                throw FakeBrokerError("expected confirm.select")
            }
            try await self.send(.confirmSelectOk, channel: id)
            try await selecting
        }
        return channel
    }

    /// Answers the client's connection.close and waits for the socket to close.
    mutating func answerClientClose() async throws {
        guard case .connectionClose = try await self.expectMethod() else {
            throw FakeBrokerError("expected connection.close")
        }
        try await self.send(.connectionCloseOk)
        _ = try await self.readUntilClosed()
    }
}

/// Fails with a message when two values differ (a throwing check usable outside Swift Testing's macros).
func expectEqual<Value: Equatable>(_ lhs: Value, _ rhs: Value, file: StaticString = #filePath, line: UInt = #line) throws {
    guard lhs == rhs else {
        throw FakeBrokerError("\(lhs) is not \(rhs) at \(file):\(line)")
    }
}
