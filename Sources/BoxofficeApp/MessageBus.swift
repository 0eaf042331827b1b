import BoxofficeBroker
import Foundation
import BoxofficeDomain
import BoxofficeHTTP
import BoxofficeMessaging
import BoxofficePostgres
import BoxofficeSQLite
import Logging
import ServiceLifecycle

/// How this process's services reach each other and the other processes: in process (embedded mode), or through
/// RabbitMQ with live updates forwarded to every booking instance.
struct MessageBus {
    /// Carries service messages.
    let transport: any MessageTransport
    /// Told of booking and wallet changes (and, from the engine, seat map deltas): what reaches the WebSocket clients.
    let live: any LiveUpdatePublisher
    /// The broker connections and the live feed, for the service group.
    let services: [any Service]
    /// What must be up before `/health/ready` says so.
    let readiness: [ReadinessCheck]
    /// Names the bus in logs, without secrets.
    let description: String

    /// The bus the configuration names; `local` is who hears this process's live updates (its WebSocket hub and
    /// the waiting `pay` requests), nil in a payment-only process.
    static func make(_ configuration: ServeConfiguration, local: (any LiveUpdatePublisher)?, logger: Logger) throws -> MessageBus {
        guard let url = configuration.brokerURL else {
            guard configuration.role == .all else {
                throw ConfigurationError(
                    "Role \(configuration.role.rawValue) talks to the other service through a broker: give --broker amqp://user:password@host:5672/vhost (BOXOFFICE_BROKER_URL)."
                )
            }
            return MessageBus(
                transport: InProcessTransport(isTransient: isTransient, logger: logger), live: local ?? NoLiveClients(), services: [], readiness: [],
                description: "in process"
            )
        }
        let settings = try BrokerSettings(url: url, instance: "\(configuration.role.rawValue)-\(configuration.port)")
        let publisher = BrokerConnection(settings, purpose: "publish", logger: logger)
        let consumer = BrokerConnection(settings, purpose: "consume", logger: logger)
        var services: [any Service] = [publisher, consumer]
        // Names this process's live updates, so its own come back to nobody here: they were delivered at once.
        let origin = UUID().uuidString
        if let local { services.append(BrokerLiveFeed(connection: consumer, topology: settings.topology, hub: local, origin: origin, logger: logger)) }
        return MessageBus(
            transport: RabbitMQTransport(settings: settings, publisher: publisher, consumer: consumer, isTransient: isTransient, logger: logger),
            live: BrokerLiveForwarder(connection: publisher, topology: settings.topology, local: local, origin: origin, logger: logger),
            services: services,
            readiness: [
                ReadinessCheck("the broker (publishing)") { publisher.isConnected },
                ReadinessCheck("the broker (consuming)") { consumer.isConnected },
            ],
            description: "RabbitMQ \(settings.redacted)"
        )
    }
}

/// Whether a consumer's failure came from a database that was down or slow (either backend): it never counts
/// toward dead-lettering the message.
private let isTransient: @Sendable (any Error) -> Bool = { PostgresFailures.isTransient($0) || SQLiteFailures.isTransient($0) }

/// Where live updates go in a process without WebSocket clients and without a broker: nowhere.
private struct NoLiveClients: LiveUpdatePublisher {
    func publish(_ update: LiveUpdate) {}
}
