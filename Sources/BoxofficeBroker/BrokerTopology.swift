import BoxofficeAMQP

/// The exchanges and queues Boxoffice declares on the broker; every declaration is idempotent, so each connection
/// declares what it uses after every (re)connect.
///
/// - `boxoffice.messages`, a durable topic exchange: every service message, routing key = its type
///   (`payment.requested`, …).
/// - `boxoffice.<consumer>`, one durable quorum queue per consuming service (`boxoffice.payments`,
///   `boxoffice.booking`), bound to the message types it consumes, dead-lettering to `boxoffice.dead-letters`
///   after `x-delivery-limit` deliveries.
/// - `boxoffice.dead-letters`, a durable fanout exchange, and the durable quorum queue of the same name bound to it.
/// - `boxoffice.live`, a fanout exchange for live updates, and per booking instance an exclusive, auto-delete,
///   server-named queue bound to it.
public enum BrokerTopology {
    /// The exchange of service messages.
    public static let messages = "boxoffice.messages"
    /// The exchange and the queue of messages no consumer could process.
    public static let deadLetters = "boxoffice.dead-letters"
    /// The exchange of live updates.
    public static let live = "boxoffice.live"

    /// The queue of a consuming service.
    public static func queue(of consumer: String) -> String { "boxoffice.\(consumer)" }

    /// Declares the message exchange and the dead-letter exchange and queue.
    static func declareMessaging(on channel: AMQPChannel) async throws {
        try await channel.exchangeDeclare(messages, type: "topic", durable: true)
        try await channel.exchangeDeclare(deadLetters, type: "fanout", durable: true)
        _ = try await channel.queueDeclare(deadLetters, durable: true, arguments: ["x-queue-type": "quorum"])
        try await channel.queueBind(deadLetters, exchange: deadLetters, routingKey: "")
    }

    /// Declares a consumer's queue and binds it to the message types it takes.
    static func declareQueue(of consumer: String, types: Set<String>, deliveryLimit: Int, on channel: AMQPChannel) async throws {
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
    static func declareLive(on channel: AMQPChannel) async throws {
        try await channel.exchangeDeclare(live, type: "fanout", durable: true)
    }
}
