@testable import BoxofficeAMQP
import NIOCore
import Testing

extension RabbitMQTests {
    @Suite("Lifecycle")
    struct Lifecycle {
        @Test("rabbitmqctl close_connection is reported by closed()")
        func forcedClose() async throws {
            let configuration = try TestBroker.configuration("forced-close")
            let connection = try await TestBroker.connect(configuration)
            let channel = try await connection.openChannel()
            let pid = try await Self.connectionPid(for: try #require(configuration.connectionName))
            try TestBroker.ctl("close_connection", pid, "boxoffice test closure")
            let reason = await connection.closed()
            #expect(reason?.kind == .connectionClosed)
            #expect(reason?.replyCode == 320)
            #expect(reason?.replyText.contains("boxoffice test closure") == true)
            #expect(await channel.closed()?.replyCode == 320)
            #expect(!connection.isOpen)
        }

        @Test("a memory alarm blocks publishing until it clears; the publish then completes")
        func blockedByMemoryAlarm() async throws {
            let connection = try await TestBroker.connect("blocked")
            let channel = try await connection.openChannel()
            let queue = try await channel.queueDeclare("", durable: false, exclusive: true).name
            try await channel.confirmSelect()
            try await channel.publish(ByteBuffer(string: "before"), exchange: "", routingKey: queue)

            // RabbitMQ sends connection.blocked to connections that publish while the alarm is on.
            try TestBroker.ctl("set_vm_memory_high_watermark", "0")
            do {
                let first = Task {
                    try await channel.publish(ByteBuffer(string: "reveals the alarm"), exchange: "", routingKey: queue)
                }
                let deadline = ContinuousClock.now + .seconds(20)
                while !connection.isBlocked, ContinuousClock.now < deadline {
                    try await Task.sleep(for: .milliseconds(50))
                }
                #expect(connection.isBlocked, "connection.blocked did not arrive")
                let completed = ReceivedFlag()
                let second = Task {
                    try await channel.publish(ByteBuffer(string: "while blocked"), exchange: "", routingKey: queue)
                    await completed.set()
                }
                try await Task.sleep(for: .seconds(1))
                #expect(await !completed.value, "the publish completed while blocked")
                try TestBroker.ctl("set_vm_memory_high_watermark", "0.4")
                try await first.value
                try await second.value
                #expect(await completed.value)
                #expect(!connection.isBlocked)
            } catch {
                _ = try? TestBroker.ctl("set_vm_memory_high_watermark", "0.4")
                throw error
            }
            let declared = try await channel.queueDeclare(queue, durable: false, exclusive: true, passive: true)
            #expect(declared.messageCount == 3)
            try await connection.close()
        }

        @Test("heartbeat 1 s: an idle connection stays open for 4 s")
        func idleWithHeartbeats() async throws {
            var configuration = try TestBroker.configuration("heartbeat")
            configuration.heartbeat = .seconds(1)
            let connection = try await TestBroker.connect(configuration)
            #expect(connection.negotiated.heartbeat == .seconds(1))
            try await Task.sleep(for: .seconds(4))
            #expect(connection.isOpen)
            let channel = try await connection.openChannel()
            _ = try await channel.queueDeclare("", durable: false, exclusive: true)
            try await connection.close()
            #expect(await connection.closed() == nil)
        }

        /// The Erlang pid of the connection whose client property connection_name is `connectionName`.
        private static func connectionPid(for connectionName: String) async throws -> String {
            for _ in 0..<50 {
                let listing = try TestBroker.ctl("list_connections", "--no-table-headers", "pid", "client_properties")
                if let line = listing.split(separator: "\n").first(where: { $0.contains(connectionName) }) {
                    return String(line.split(separator: "\t")[0])
                }
                try await Task.sleep(for: .milliseconds(100))
            }
            throw FakeBrokerError("no connection named \(connectionName) in rabbitmqctl list_connections")
        }
    }
}

/// A flag set by one task and read by another.
actor ReceivedFlag {
    private(set) var value = false

    func set() {
        self.value = true
    }
}
