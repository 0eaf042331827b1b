import BoxofficeAMQP
import BoxofficeMessaging
import Foundation
import Logging
import NIOCore

/// The distributed mode's transport: service messages through RabbitMQ (see ``BrokerTopology``).
///
/// `publish` returns once the broker confirmed the message (publisher confirms, `mandatory`): a message no queue
/// takes, a nack, or a channel or connection closing first is a failure, and the outbox sends it again later.
/// `consume` keeps a consumer on its service's quorum queue through every reconnection: it declares the topology,
/// takes up to `prefetch` deliveries, processes up to `concurrency` at once, and acknowledges each only after its
/// handler returned (the handler's transaction committed), in batches (``BatchedAcknowledger``). A delivery whose handler throws is tried again in place
/// with backoff; one that cannot be read, or failed ``BrokerSettings/deliveryLimit`` times for a reason of its own
/// (a database that is down does not count), goes to the consumer's dead-letter store and is rejected to the
/// dead-letter exchange. Inboxes absorb every redelivery.
public final class RabbitMQTransport: MessageTransport {
    private let settings: BrokerSettings
    private let topology: BrokerTopology
    private let consuming: BrokerConnection
    private let publishing: ChannelCache
    private let policy: DeadLetterPolicy
    private let logger: Logger

    /// Creates the transport over the process's two broker connections.
    /// - Parameter isTransient: recognizes failures that never count toward the delivery limit (see ``DeadLetterPolicy``).
    public init(
        settings: BrokerSettings, publisher: BrokerConnection, consumer: BrokerConnection,
        isTransient: @escaping @Sendable (any Error) -> Bool = { $0 is any TransientFailure }, logger: Logger
    ) {
        self.settings = settings
        self.topology = settings.topology
        self.consuming = consumer
        self.policy = DeadLetterPolicy(maxAttempts: settings.deliveryLimit, isTransient: isTransient)
        self.logger = logger
        let topology = settings.topology
        self.publishing = ChannelCache(on: publisher) { channel in
            try await topology.declareMessaging(on: channel)
            try await channel.confirmSelect(maxUnconfirmed: 1_024)
        }
    }

    public func publish(_ message: Message) async throws {
        let channel = try await publishing.channel()
        try await channel.publish(
            ByteBuffer(bytes: message.payload), exchange: topology.messages, routingKey: message.type, mandatory: true,
            properties: BrokerMessageCoding.properties(of: message)
        )
    }

    /// The batch goes out on one channel in one write, and one wait covers the broker's confirms of all of it.
    public func publish(_ messages: [Message]) async -> [UUID] {
        guard let channel = try? await publishing.channel() else { return [] }
        let failures = await channel.publish(messages.map { message in
            AMQPOutgoingMessage(
                body: ByteBuffer(bytes: message.payload), exchange: topology.messages, routingKey: message.type, mandatory: true,
                properties: BrokerMessageCoding.properties(of: message)
            )
        })
        return zip(messages, failures).compactMap { message, failure in failure == nil ? message.id : nil }
    }

    public func consume(
        as consumer: String, types: Set<String>, deadLetters: any DeadLetterStore, handler: @escaping @Sendable (Message) async throws -> Void
    ) async throws {
        var delay = Duration.milliseconds(100)
        while true {
            let connection = try await consuming.waitForConnection()
            do {
                let channel = try await connection.openChannel()
                try await topology.declareQueue(of: consumer, types: types, deliveryLimit: settings.deliveryLimit, on: channel)
                try await channel.basicQos(prefetchCount: settings.prefetch)
                let deliveries = try await channel.consume(queue: topology.queue(of: consumer))
                logger.info("consuming \(topology.queue(of: consumer))")
                delay = .milliseconds(100)
                try await process(deliveries, as: consumer, deadLetters: deadLetters, handler: handler)
                try? await channel.close()
            } catch {
                if Task.isCancelled { throw CancellationError() }
                logger.warning("\(consumer) consumer stopped (\(error)); consuming again in \(delay)")
            }
            try await Task.sleep(for: delay)
            delay = min(delay * 2, .seconds(5))
        }
    }

    /// Processes deliveries, at most ``BrokerSettings/concurrency`` at once, until the consumer ends or the caller is
    /// cancelled; deliveries in hand are finished first.
    private func process(
        _ deliveries: AMQPConsumer, as consumer: String, deadLetters: any DeadLetterStore, handler: @escaping @Sendable (Message) async throws -> Void
    ) async throws {
        var acknowledger: BatchedAcknowledger?
        defer { acknowledger?.finish() }
        try await withThrowingTaskGroup(of: Void.self) { group in
            var running = 0
            for try await delivery in deliveries {
                if running >= settings.concurrency {
                    try await group.next()
                    running -= 1
                }
                if acknowledger == nil {
                    acknowledger = BatchedAcknowledger(channel: delivery.channel, aheadLimit: Int(settings.prefetch) / 2) { [logger] error in
                        logger.debug("could not acknowledge (\(error)); the messages come again and the inbox skips them")
                    }
                }
                let acknowledgements = acknowledger!
                acknowledgements.received(delivery.deliveryTag)
                group.addTask { await self.handle(delivery, as: consumer, deadLetters: deadLetters, acknowledger: acknowledgements, handler: handler) }
                running += 1
            }
            try await group.waitForAll()
        }
    }

    private func handle(
        _ delivery: AMQPDelivery, as consumer: String, deadLetters: any DeadLetterStore, acknowledger: BatchedAcknowledger,
        handler: @Sendable (Message) async throws -> Void
    ) async {
        guard let message = BrokerMessageCoding.message(from: delivery) else {
            logger.error("\(consumer) rejected a delivery without a message id or type (routing key \(delivery.routingKey)) to the dead-letter exchange")
            acknowledger.reject(delivery.deliveryTag)
            return
        }
        var attempts = BrokerMessageCoding.previousDeliveries(of: delivery)
        var delay = Duration.milliseconds(20)
        while true {
            do {
                try await handler(message)
                MessageMetrics.handled(message, by: consumer)
                acknowledger.acknowledge(delivery.deliveryTag)
                return
            } catch {
                if policy.counts(error) { attempts += 1 }
                MessageMetrics.retried(by: consumer)
                if policy.shouldDeadLetter(after: error, attempts: attempts) {
                    do {
                        try await DeadLetterPolicy.deadLetter(message, consumer: consumer, error: error, attempts: attempts, in: deadLetters, logger: logger)
                    } catch {
                        logger.error("could not record dead letter \(message.id) (\(error)); the broker's dead-letter queue keeps it")
                    }
                    acknowledger.reject(delivery.deliveryTag)
                    return
                }
                logger.warning("\(consumer) failed \(message.type) \(message.id) (attempt \(attempts)): \(String(reflecting: error))")
                // Not acknowledged: a delivery left unprocessed at shutdown comes again to whoever consumes next.
                guard (try? await Task.sleep(for: delay)) != nil else { return }
                delay = min(delay * 2, .seconds(2))
            }
        }
    }
}
