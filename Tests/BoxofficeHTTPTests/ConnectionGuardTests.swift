import BoxofficeApp
@testable import BoxofficeHTTP
import BoxofficeTestSupport
import Foundation
import Hummingbird
import HummingbirdTesting
import NIOCore
import NIOPosix
import Testing

/// Connections are guarded from their accept: a head that does not arrive in time closes the connection, a
/// request that does gets its answer.
@Suite("Connections guarded from their accept")
struct ConnectionGuardTests {
    /// A raw TCP connection to the server, which writes `bytes` and reads nothing back.
    private static func connect(port: Int, sending bytes: String) async throws -> any Channel {
        let channel = try await ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton).connect(host: "127.0.0.1", port: port).get()
        if !bytes.isEmpty { try await channel.writeAndFlush(ByteBuffer(string: bytes)) }
        return channel
    }

    @Test("silent and half-sent connections are closed after the header timeout; a whole request is answered and kept")
    func headerTimeout() async throws {
        var server = try await TestServer.make(.sqlite)
        defer { server.remove() }
        server.configuration.headerTimeoutSeconds = 2
        try await server.runOverSockets { client, _ in
            let port = try #require(client.port)
            let connected = ContinuousClock.now
            let silent = try await Self.connect(port: port, sending: "")
            let trickling = try await Self.connect(port: port, sending: "GET /health/live HTTP/1.1\r\nHost: loc")
            let whole = try await Self.connect(port: port, sending: "GET /health/live HTTP/1.1\r\nHost: localhost\r\n\r\n")
            try await Task.sleep(for: .milliseconds(300))
            // On a machine too busy to look within a second and a half, "not before the timeout" cannot be seen.
            if ContinuousClock.now - connected < .milliseconds(1_500) { #expect(silent.isActive && trickling.isActive, "not before the timeout") }
            try await Task.sleep(until: connected + .milliseconds(3_500))
            #expect(!silent.isActive, "a connection that sent nothing is closed")
            #expect(!trickling.isActive, "a connection whose head never ends is closed")
            #expect(whole.isActive, "an answered keep-alive connection waits for the idle timeout")
            for channel in [silent, trickling, whole] { try? await channel.close() }
            #expect(try await client.send(.get, "/health/live").status == .ok)
        }
    }

    @Test("a connection busy with requests the event loop answers itself is not idle; once idle, it is closed after the idle timeout")
    func idleTimeout() async throws {
        var server = try await TestServer.make(.sqlite)
        defer { server.remove() }
        server.configuration.idleTimeoutSeconds = 1
        try await server.runOverSockets { client, answers in
            let port = try #require(client.port)
            let busy = try await Self.connect(port: port, sending: "")
            let before = answers.value
            let body = #"{"seat_id": 99999999}"#
            let hold = "POST /api/book/safe HTTP/1.1\r\nHost: localhost\r\nAuthorization: Bearer \(TestServer.organizerToken)\r\n"
                + "Content-Type: application/json\r\nContent-Length: \(body.utf8.count)\r\n\r\n\(body)"
            let started = ContinuousClock.now
            while ContinuousClock.now - started < .milliseconds(2_500) {
                try await busy.writeAndFlush(ByteBuffer(string: hold))
                try await Task.sleep(for: .milliseconds(250))
            }
            #expect(busy.isActive, "busy for more than twice the idle timeout, with answers the router never saw")
            #expect(answers.value > before, "answered on the event loop")
            try await Task.sleep(for: .milliseconds(2_500))
            #expect(!busy.isActive, "idle for longer than the timeout, it is closed")
            try? await busy.close()
        }
    }

    @Test("a request refused at its head, before its body, still leaves the next head timed")
    func earlyAnswer() async throws {
        var server = try await TestServer.make(.sqlite)
        defer { server.remove() }
        server.configuration.headerTimeoutSeconds = 1
        try await server.runOverSockets { client, _ in
            let port = try #require(client.port)
            let refused = "POST /api/book/safe HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer not-a-token\r\nContent-Type: application/json\r\nContent-Length: 2\r\n\r\n"
            let channel = try await Self.connect(port: port, sending: refused)
            try await Task.sleep(for: .milliseconds(200))
            try await channel.writeAndFlush(ByteBuffer(string: "{}GET /health/live HTTP/1.1\r\nHo"))
            try await Task.sleep(for: .milliseconds(300))
            try await channel.writeAndFlush(ByteBuffer(string: "s"))
            try await Task.sleep(for: .milliseconds(2_500))
            #expect(!channel.isActive, "the trickled second head is closed after the header timeout")
            try? await channel.close()
        }
    }
}
