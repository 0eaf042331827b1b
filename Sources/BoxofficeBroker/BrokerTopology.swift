import BoxofficeAMQP

/// The exchanges and queues Boxoffice declares on the broker, all named from one prefix (`boxoffice` unless
/// configured otherwise); every declaration is idempotent, so each connection declares what it uses after every
/// (re)connect.
///
/// - `<prefix>.messages`, a durable topic exchange: every service message, routing key = its type
///   (`payment.requested`, …).
/// - `<prefix>.<consumer>`, one durable quorum queue per consuming service (`boxoffice.payments`,
///   `boxoffice.booking`), bound to the message types it consumes, dead-lettering to `<prefix>.dead-letters`
///   after `x-delivery-limit` deliveries.
/// - `<prefix>.dead-letters`, a durable fanout exchange, and the durable quorum queue of the same name bound to it.
/// - `<prefix>.live`, a fanout exchange for live updates, and per booking instance an exclusive, auto-delete,
///   server-named queue bound to it.
public struct BrokerTopology: Sendable {
    /// What every name starts with.
    public let prefix: String

    /// The topology of a prefix.
    public init(prefix: String = "boxoffice") {
        self.prefix = prefix
    }

    /// The exchange of service messages.
    public var messages: String { "\(prefix).messages" }
    /// The exchange and the queue of messages no consumer could process.
    public var deadLetters: String { "\(prefix).dead-letters" }
    /// The exchange of live updates.
    public var live: String { "\(prefix).live" }

    /// The queue of a consuming service.
    public func queue(of consumer: String) -> String { "\(prefix).\(consumer)" }

    /// Declares the message exchange and the dead-letter exchange and queue.
    func declareMessaging(on channel: AMQPChannel) async throws {
        try await channel.exchangeDeclare(messages, type: "topic", durable: true)
        try await channel.exchangeDeclare(deadLetters, type: "fanout", durable: true)
        _ = try await channel.queueDeclare(deadLetters, durable: true, arguments: ["x-queue-type": "quorum"])
        try await channel.queueBind(deadLetters, exchange: deadLetters, routingKey: "")
    }

    /// Declares a consumer's queue and binds it to the message types it takes.
    func declareQueue(of consumer: String, types: Set<String>, deliveryLimit: Int, on channel: AMQPChannel) async throws {
        try await declareMessaging(on: channel)
        let queue = queue(of: consumer)
        _ = try await channel.queueDeclare(queue, durable: true, arguments: [
            "x-queue-type": "quorum",
            "x-dead-letter-exchange": .longString(deadLetters),
            "x-delivery-limit": .int64(Int64(deliveryLimit)),
        ])
        for type in types.sorted() { try await channel.queueBind(queue, exchange: messages, routingKey: type) }
    }

    /// Declares the live-update exchange.
    func declareLive(on channel: AMQPChannel) async throws {
        try await channel.exchangeDeclare(live, type: "fanout", durable: true)
    }
}
