import BoxofficeBroker
import BoxofficeMessaging
import Foundation
import Logging
import ServiceLifecycle
import Synchronization

/// The real RabbitMQ node of `scripts/test`; the tests are skipped without `BOXOFFICE_TEST_AMQP_URL`, and fail
/// without it when `BOXOFFICE_REQUIRE_RABBITMQ=1`.
enum TestRabbitMQ {
    static let url = ProcessInfo.processInfo.environment["BOXOFFICE_TEST_AMQP_URL"]
    static let isEnabled = url != nil || ProcessInfo.processInfo.environment["BOXOFFICE_REQUIRE_RABBITMQ"] == "1"

    /// Settings whose exchanges and queues are this test's own.
    static func settings() throws -> BrokerSettings {
        guard let url else { throw MissingBroker() }
        var settings = try BrokerSettings(url: url, instance: "test")
        settings.topology = BrokerTopology(prefix: "test.\(UUID().uuidString.prefix(8).lowercased())")
        settings.deliveryLimit = 5
        return settings
    }

    /// Runs `body` with the two connections of a process kept up, and stops them afterwards.
    static func withConnections<Value: Sendable>(
        _ settings: BrokerSettings, _ body: (BrokerConnection, BrokerConnection) async throws -> Value
    ) async throws -> Value {
        var logger = Logger(label: "broker-test")
        logger.logLevel = .critical
        let publisher = BrokerConnection(settings, purpose: "publish", logger: logger)
        let consumer = BrokerConnection(settings, purpose: "consume", logger: logger)
        let group = ServiceGroup(services: [publisher, consumer], gracefulShutdownSignals: [], logger: logger)
        return try await withThrowingTaskGroup(of: Void.self) { tasks in
            tasks.addTask { try await group.run() }
            do {
                _ = try await publisher.waitForConnection()
                _ = try await consumer.waitForConnection()
                let value = try await body(publisher, consumer)
                await group.triggerGracefulShutdown()
                try await tasks.waitForAll()
                return value
            } catch {
                await group.triggerGracefulShutdown()
                try? await tasks.waitForAll()
                throw error
            }
        }
    }

    /// Polls until `condition` holds, for at most `seconds`.
    static func eventually(within seconds: Double = 10, _ condition: () async throws -> Bool) async throws -> Bool {
        let deadline = ContinuousClock.now + .seconds(seconds)
        while ContinuousClock.now < deadline {
            if try await condition() { return true }
            try await Task.sleep(for: .milliseconds(20))
        }
        return false
    }
}

struct MissingBroker: Error {}

/// A dead-letter store in memory.
final class MemoryDeadLetters: DeadLetterStore {
    private let kept = Mutex<[Message]>([])

    func recordDeadLetter(_ message: Message, consumer: String, error: String) async throws {
        kept.withLock { $0.append(message) }
    }

    var messages: [Message] { kept.withLock { $0 } }
}

/// What a consumer received, in order.
final class Received: Sendable {
    private let messages = Mutex<[Message]>([])

    func append(_ message: Message) {
        messages.withLock { $0.append(message) }
    }

    var all: [Message] { messages.withLock { $0 } }
}
