import BoxofficeAMQP
import BoxofficeDomain
import Foundation
import Logging
import NIOCore
import ServiceLifecycle

/// A booking instance's end of the live exchange: an exclusive, auto-delete queue of its own, bound to
/// `boxoffice.live`, whose booking and wallet updates go to this instance's WebSocket clients. Declared again
/// after every reconnection. Updates this process sent itself are skipped: its ``BrokerLiveForwarder`` delivered them
/// here already.
public struct BrokerLiveFeed: Service {
    private let connection: BrokerConnection
    private let topology: BrokerTopology
    private let hub: any LiveUpdatePublisher
    private let logger: Logger
    private let origin: String

    /// Creates the feed of one instance, delivering into `hub`.
    /// - Parameter origin: this process's id, the same its ``BrokerLiveForwarder`` is given.
    public init(connection: BrokerConnection, topology: BrokerTopology, hub: any LiveUpdatePublisher, origin: String, logger: Logger) {
        self.origin = origin
        self.connection = connection
        self.topology = topology
        self.hub = hub
        self.logger = logger
    }

    public func run() async throws {
        do {
            try await cancelWhenGracefulShutdown { try await follow() }
        } catch is CancellationError {
            return
        }
    }

    private func follow() async throws {
        while true {
            let current = try await connection.waitForConnection()
            do {
                let channel = try await current.openChannel()
                try await topology.declareLive(on: channel)
                let queue = try await channel.queueDeclare("", durable: false, exclusive: true, autoDelete: true)
                try await channel.queueBind(queue.name, exchange: topology.live, routingKey: "")
                try await channel.basicQos(prefetchCount: 64)
                for try await delivery in try await channel.consume(queue: queue.name, exclusive: true) {
                    do {
                        if delivery.properties.appId != origin { for update in try LiveUpdateCoding.decode(delivery.body) { hub.publish(update) } }
                    } catch {
                        logger.warning("unreadable live update from the broker: \(error)")
                    }
                    try? delivery.ack()
                }
            } catch {
                if Task.isCancelled { throw CancellationError() }
                logger.warning("live updates from the broker stopped (\(error)); following again")
            }
            try await Task.sleep(for: .milliseconds(200))
        }
    }
}
