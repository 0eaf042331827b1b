import NIOCore

/// A message delivered to a consumer; it is acknowledged on the channel it came on, never another.
public struct AMQPDelivery: Sendable {
    /// The channel-scoped delivery tag.
    public let deliveryTag: UInt64
    /// Whether the broker delivered this message before.
    public let redelivered: Bool
    /// The exchange the message was published to.
    public let exchange: String
    /// The routing key the message was published with.
    public let routingKey: String
    /// The tag of the consumer it was delivered to.
    public let consumerTag: String
    /// The message properties.
    public let properties: AMQPProperties
    /// The message body.
    public let body: ByteBuffer
    /// The channel the message came on, which its ack, nack or reject goes to.
    public let channel: AMQPChannel

    /// Acknowledges this delivery; throws `channelClosed` when its channel is closed (the broker will redeliver).
    public func ack() throws {
        try self.channel.ack(self.deliveryTag)
    }

    /// Negatively acknowledges this delivery; throws `channelClosed` when its channel is closed.
    /// - Parameter requeue: Whether the broker requeues it; false dead-letters or drops it.
    public func nack(requeue: Bool) throws {
        try self.channel.nack(self.deliveryTag, requeue: requeue)
    }

    /// Rejects this delivery; throws `channelClosed` when its channel is closed.
    /// - Parameter requeue: Whether the broker requeues it; false dead-letters or drops it.
    public func reject(requeue: Bool) throws {
        try self.channel.reject(self.deliveryTag, requeue: requeue)
    }
}
