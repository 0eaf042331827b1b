import BoxofficeAMQP
import BoxofficeBroker
import BoxofficeMessaging
import Foundation
import Logging
import NIOCore
import Synchronization
import Testing

@Suite("The RabbitMQ transport", .enabled(if: TestRabbitMQ.isEnabled, "set BOXOFFICE_TEST_AMQP_URL (scripts/test does)"), .timeLimit(.minutes(2)))
struct RabbitMQTransportTests {
    static let logger: Logger = {
        var logger = Logger(label: "broker-test")
        logger.logLevel = .critical
        return logger
    }()

    /// Runs a consumer of `types` in the background while `body` runs, then stops it and waits until it has stopped.
    private func consuming(
        _ transport: RabbitMQTransport, types: Set<String>, deadLetters: MemoryDeadLetters = MemoryDeadLetters(),
        handler: @escaping @Sendable (Message) async throws -> Void, _ body: () async throws -> Void
    ) async throws {
        let consumer = Task { try await transport.consume(as: "payments", types: types, deadLetters: deadLetters, handler: handler) }
        do {
            try await body()
        } catch {
            consumer.cancel()
            _ = await consumer.result
            throw error
        }
        consumer.cancel()
        _ = await consumer.result
    }

    @Test("a published message reaches its consumer with the same id, type, body and time, once")
    func roundTrip() async throws {
        let settings = try TestRabbitMQ.settings()
        try await TestRabbitMQ.withConnections(settings) { publisher, consumer in
            let transport = RabbitMQTransport(settings: settings, publisher: publisher, consumer: consumer, logger: Self.logger)
            let received = Received()
            try await consuming(transport, types: [PaymentRequested.type], handler: { received.append($0) }) {
                let message = try Message(PaymentRequested(bookingId: UUID(), userIdentifier: "ann", amountMinor: 4_200, currency: "EUR"), at: Date(timeIntervalSince1970: 1_800_000_000.123))
                #expect(try await TestRabbitMQ.eventually { (try? await transport.publish(message)) != nil }, "routed once the consumer's queue is bound")
                #expect(try await TestRabbitMQ.eventually { !received.all.isEmpty })
                try await Task.sleep(for: .milliseconds(200))
                let got = try #require(received.all.first)
                #expect(received.all.count == 1)
                #expect(got.id == message.id)
                #expect(got.type == message.type)
                #expect(got.payload == message.payload)
                #expect(abs(got.occurredAt.timeIntervalSince(message.occurredAt)) < 0.001)
            }
        }
    }

    @Test("a message no queue takes is returned: publishing fails and the outbox keeps it")
    func unroutableReturned() async throws {
        let settings = try TestRabbitMQ.settings()
        try await TestRabbitMQ.withConnections(settings) { publisher, consumer in
            let transport = RabbitMQTransport(settings: settings, publisher: publisher, consumer: consumer, logger: Self.logger)
            let message = try Message(RefundRequested(bookingId: UUID()), at: Date())
            await #expect(throws: AMQPError.self) { try await transport.publish(message) }
            let outbox = MemoryOutbox([message])
            let relay = OutboxRelay(name: "test", outbox: outbox, transport: transport, wakeup: Wakeup(), logger: Self.logger)
            #expect(await relay.relayOnce() == 0)
            #expect(outbox.unsent.map(\.id) == [message.id])
        }
    }

    @Test("a handler that fails is tried again until it succeeds, and the message is acknowledged once")
    func retriedUntilProcessed() async throws {
        let settings = try TestRabbitMQ.settings()
        try await TestRabbitMQ.withConnections(settings) { publisher, consumer in
            let transport = RabbitMQTransport(settings: settings, publisher: publisher, consumer: consumer, logger: Self.logger)
            let attempts = Mutex(0)
            let processed = Received()
            try await consuming(transport, types: [PaymentFailed.type], handler: { message in
                guard attempts.withLock({ $0 += 1; return $0 }) >= 3 else { throw Flaky() }
                processed.append(message)
            }) {
                let message = try Message(PaymentFailed(bookingId: UUID(), reason: "test"), at: Date())
                #expect(try await TestRabbitMQ.eventually { (try? await transport.publish(message)) != nil })
                #expect(try await TestRabbitMQ.eventually { processed.all.count == 1 })
                try await Task.sleep(for: .milliseconds(300))
                #expect(processed.all.count == 1)
                #expect(attempts.withLock { $0 } == 3)
            }
        }
    }

    @Test("a relay's batch of 300 goes out with one wait; handled out of order, one held back half a second, every one is acknowledged in batches: none comes again to the next consumer")
    func batchedAcknowledgements() async throws {
        let settings = try TestRabbitMQ.settings()
        try await TestRabbitMQ.withConnections(settings) { publisher, consumer in
            let transport = RabbitMQTransport(settings: settings, publisher: publisher, consumer: consumer, logger: Self.logger)
            let messages = try (0 ..< 300).map { try Message(PaymentFailed(bookingId: UUID(), reason: "batch \($0)"), at: Date()) }
            let slow = messages[1].id
            let received = Received()
            try await consuming(transport, types: [PaymentFailed.type], handler: { message in
                if message.id == slow { try await Task.sleep(for: .milliseconds(500)) } else { try await Task.sleep(for: .milliseconds(Int.random(in: 0 ... 5))) }
                received.append(message)
            }) {
                #expect(try await TestRabbitMQ.eventually { (try? await transport.publish(messages[0])) != nil }, "routed once the consumer's queue is bound")
                let outbox = MemoryOutbox(Array(messages.dropFirst()))
                let relay = OutboxRelay(name: "test", outbox: outbox, transport: transport, wakeup: Wakeup(), logger: Self.logger)
                #expect(await relay.relayOnce(limit: 512) == 299)
                #expect(outbox.unsent.isEmpty)
                #expect(try await TestRabbitMQ.eventually { Set(received.all.map(\.id)) == Set(messages.map(\.id)) })
                try await Task.sleep(for: .milliseconds(200))
            }
            let again = Received()
            try await consuming(transport, types: [PaymentFailed.type], handler: { again.append($0) }) {
                try await Task.sleep(for: .milliseconds(800))
                #expect(again.all.isEmpty, "every delivery was acknowledged")
            }
            #expect(received.all.count == 300, "each handled once")
        }
    }

    @Test("a consumer stopped while one delivery still fails acknowledges those it handled behind it: only that one comes again")
    func stoppedConsumerAcknowledgesHandled() async throws {
        let settings = try TestRabbitMQ.settings()
        let messages = try (0 ..< 20).map { try Message(PaymentFailed(bookingId: UUID(), reason: "stop \($0)"), at: Date()) }
        let stuck = messages[1].id
        let handled = Received()
        try await TestRabbitMQ.withConnections(settings) { publisher, consumer in
            let transport = RabbitMQTransport(settings: settings, publisher: publisher, consumer: consumer, logger: Self.logger)
            try await consuming(transport, types: [PaymentFailed.type], handler: { message in
                guard message.id != stuck else { throw Flaky() }
                handled.append(message)
            }) {
                let routed = try await TestRabbitMQ.eventually { (try? await transport.publish(messages[0])) != nil }
                #expect(routed, "routed once the consumer's queue is bound")
                let outbox = MemoryOutbox(Array(messages.dropFirst()))
                let relay = OutboxRelay(name: "test", outbox: outbox, transport: transport, wakeup: Wakeup(), logger: Self.logger)
                #expect(await relay.relayOnce() == 19)
                #expect(try await TestRabbitMQ.eventually { handled.all.count == 19 })
            }
        }
        let again = Received()
        try await TestRabbitMQ.withConnections(settings) { publisher, consumer in
            let transport = RabbitMQTransport(settings: settings, publisher: publisher, consumer: consumer, logger: Self.logger)
            try await consuming(transport, types: [PaymentFailed.type], handler: { again.append($0) }) {
                #expect(try await TestRabbitMQ.eventually { !again.all.isEmpty })
                try await Task.sleep(for: .milliseconds(500))
            }
        }
        #expect(again.all.map(\.id) == [stuck], "the 18 handled behind it were acknowledged when the consumer stopped")
    }

    @Test("rejections among batched acknowledgements: every tenth of 200 messages unreadable, the rest handled once each, the channel never closed for a tag settled twice")
    func rejectionsAmongBatchedAcknowledgements() async throws {
        let settings = try TestRabbitMQ.settings()
        try await TestRabbitMQ.withConnections(settings) { publisher, consumer in
            let transport = RabbitMQTransport(settings: settings, publisher: publisher, consumer: consumer, logger: Self.logger)
            let deadLetters = MemoryDeadLetters()
            let messages = try (0 ..< 200).map { number in
                number % 10 == 5
                    ? Message(type: PaymentRequested.type, payload: Data("{not json".utf8), occurredAt: Date())
                    : try Message(PaymentRequested(bookingId: UUID(), userIdentifier: "u\(number)", amountMinor: 100, currency: "EUR"), at: Date())
            }
            let poison = Set(messages.enumerated().filter { $0.offset % 10 == 5 }.map(\.element.id))
            let handled = Received()
            try await consuming(transport, types: [PaymentRequested.type], deadLetters: deadLetters, handler: { message in
                _ = try message.body(as: PaymentRequested.self)
                try await Task.sleep(for: .microseconds(Int.random(in: 0 ... 2_000)))
                handled.append(message)
            }) {
                #expect(try await TestRabbitMQ.eventually { (try? await transport.publish(messages[0])) != nil }, "routed once the consumer's queue is bound")
                let outbox = MemoryOutbox(Array(messages.dropFirst()))
                let relay = OutboxRelay(name: "test", outbox: outbox, transport: transport, wakeup: Wakeup(), logger: Self.logger)
                #expect(await relay.relayOnce(limit: 512) == 199)
                #expect(try await TestRabbitMQ.eventually { handled.all.count == 180 && deadLetters.messages.count == 20 })
                try await Task.sleep(for: .milliseconds(300))
            }
            #expect(handled.all.count == 180 && Set(handled.all.map(\.id)).isDisjoint(with: poison), "each readable message handled once: no redelivery after a closed channel")
            #expect(Set(deadLetters.messages.map(\.id)) == poison)
            let again = Received()
            try await consuming(transport, types: [PaymentRequested.type], handler: { again.append($0) }) {
                try await Task.sleep(for: .milliseconds(800))
                #expect(again.all.isEmpty, "every delivery was settled")
            }
        }
    }

    @Test("a message that cannot be read goes to the dead-letter store and the dead-letter queue")
    func poisonDeadLettered() async throws {
        let settings = try TestRabbitMQ.settings()
        try await TestRabbitMQ.withConnections(settings) { publisher, consumer in
            let transport = RabbitMQTransport(settings: settings, publisher: publisher, consumer: consumer, logger: Self.logger)
            let deadLetters = MemoryDeadLetters()
            try await consuming(transport, types: [PaymentRequested.type], deadLetters: deadLetters, handler: { message in
                _ = try message.body(as: PaymentRequested.self)
            }) {
                let poison = Message(type: PaymentRequested.type, payload: Data("{not json".utf8), occurredAt: Date())
                #expect(try await TestRabbitMQ.eventually { (try? await transport.publish(poison)) != nil })
                #expect(try await TestRabbitMQ.eventually { deadLetters.messages.map(\.id) == [poison.id] })
                let connection = try #require(publisher.current)
                let channel = try await connection.openChannel()
                #expect(try await TestRabbitMQ.eventually { try await channel.queueDeclare(settings.topology.deadLetters, durable: true, passive: true).messageCount == 1 })
            }
        }
    }

    @Test("when the broker closes the connections, both come back: consuming and publishing go on")
    func reconnects() async throws {
        let settings = try TestRabbitMQ.settings()
        try await TestRabbitMQ.withConnections(settings) { publisher, consumer in
            let transport = RabbitMQTransport(settings: settings, publisher: publisher, consumer: consumer, logger: Self.logger)
            let received = Received()
            try await consuming(transport, types: [PaymentSucceeded.type], handler: { received.append($0) }) {
                let first = try Message(PaymentSucceeded(bookingId: UUID(), amountMinor: 1, currency: "EUR"), at: Date())
                #expect(try await TestRabbitMQ.eventually { (try? await transport.publish(first)) != nil })
                #expect(try await TestRabbitMQ.eventually { received.all.count == 1 })
                try await publisher.current?.close()
                try await consumer.current?.close()
                let second = try Message(PaymentSucceeded(bookingId: UUID(), amountMinor: 2, currency: "EUR"), at: Date())
                #expect(try await TestRabbitMQ.eventually { (try? await transport.publish(second)) != nil }, "publishing after the reconnection")
                #expect(try await TestRabbitMQ.eventually { received.all.map(\.id).contains(second.id) }, "consuming after the reconnection")
            }
        }
    }
}

struct Flaky: Error {}

/// An outbox in memory.
final class MemoryOutbox: OutboxStore {
    private let messages: Mutex<[Message]>

    init(_ messages: [Message]) {
        self.messages = Mutex(messages)
    }

    func unsentMessages(limit: Int) async throws -> [Message] { messages.withLock { Array($0.prefix(limit)) } }

    func claimUnsent(limit: Int, lease: Duration) async throws -> [Message] { try await unsentMessages(limit: limit) }

    func markSent(_ ids: [UUID]) async throws {
        messages.withLock { $0.removeAll { ids.contains($0.id) } }
    }

    func releaseClaims(_ ids: [UUID]) async throws {}

    var unsent: [Message] { messages.withLock { $0 } }
}
