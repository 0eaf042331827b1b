@testable import BoxofficeAMQP
import NIOCore
import Testing

@Suite("Protocol errors by the broker, against a fake broker", .timeLimit(.minutes(1)))
struct ProtocolErrorTests {
    enum Violation: String, CaseIterable, CustomTestStringConvertible {
        case badFrameEnd, unknownFrameType, frameTooLarge, bodyWithoutHeader, headerWithoutMethod
        case methodOnUnopenedChannel, unexpectedReply, truncatedMethod, methodInsteadOfContent, unknownMethod

        var testDescription: String { self.rawValue }

        var expectedCode: UInt16 {
            switch self {
            case .badFrameEnd, .unknownFrameType, .frameTooLarge: 501
            case .truncatedMethod: 502
            case .unexpectedReply, .unknownMethod: 503
            case .methodOnUnopenedChannel: 504
            case .bodyWithoutHeader, .headerWithoutMethod, .methodInsteadOfContent: 505
            }
        }

        /// The bytes the fake broker sends on channel 1, which the client has open.
        func bytes() throws -> [UInt8] {
            var buffer = ByteBuffer()
            switch self {
            case .badFrameEnd:
                try buffer.writeAMQPMethodFrame(channel: 1, .basicQosOk)
                buffer.setInteger(UInt8(0), at: buffer.writerIndex - 1)
            case .unknownFrameType:
                buffer.writeBytes([7, 0, 1, 0, 0, 0, 0, 0xCE])
            case .frameTooLarge:
                buffer.writeBytes([3, 0, 1, 0, 0x10, 0, 0])
                buffer.writeBytes([UInt8](repeating: 0, count: 4096))
            case .bodyWithoutHeader:
                try buffer.writeAMQPFrame(AMQPFrame(channel: 1, payload: .body(ByteBuffer(string: "x"))))
            case .headerWithoutMethod:
                try buffer.writeAMQPFrame(AMQPFrame(channel: 1, payload: .header(AMQPContentHeader(bodySize: 1, properties: .init()))))
            case .methodOnUnopenedChannel:
                try buffer.writeAMQPMethodFrame(channel: 9, .basicQosOk)
            case .unexpectedReply:
                try buffer.writeAMQPMethodFrame(channel: 1, .queueBindOk)
            case .truncatedMethod:
                buffer.writeAMQPFrame(type: 1, channel: 1) { payload in
                    payload.writeInteger(UInt16(60))
                    payload.writeInteger(UInt16(80))
                    payload.writeInteger(UInt8(1))
                }
            case .methodInsteadOfContent:
                try buffer.writeAMQPMethodFrame(channel: 1, .basicDeliver(BasicDeliver(consumerTag: "c", deliveryTag: 1, redelivered: false, exchange: "", routingKey: "q")))
                try buffer.writeAMQPMethodFrame(channel: 1, .basicQosOk)
            case .unknownMethod:
                buffer.writeAMQPFrame(type: 1, channel: 1) { payload in
                    payload.writeInteger(UInt16(60))
                    payload.writeInteger(UInt16(255))
                }
            }
            return Array(buffer.readableBytesView)
        }
    }

    @Test("the client sends connection.close with the right reply code, then closes", arguments: Violation.allCases)
    func violation(_ violation: Violation) async throws {
        let broker = try await FakeBroker.start()
        var (connection, server) = try await broker.connectClient()
        let channel = try await server.openChannel(on: connection)
        try await server.sendRaw(violation.bytes())

        guard case .connectionClose(let close) = try await server.expectMethod() else {
            Issue.record("expected connection.close")
            return
        }
        #expect(close.replyCode == violation.expectedCode, "\(close.replyText)")
        try? await server.send(.connectionCloseOk)
        #expect(try await server.readUntilClosed().isEmpty)

        let reason = await connection.closed()
        #expect(reason?.kind == .protocolError)
        #expect(reason?.replyCode == violation.expectedCode)
        #expect(await channel.closed()?.kind == .protocolError)
        #expect(!connection.isOpen)
        try await broker.stop()
    }
}
