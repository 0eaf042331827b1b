/// The basic-class properties of a message (its content header); every one is optional.
public struct AMQPProperties: Sendable, Hashable {
    /// The MIME content type of the body.
    public var contentType: String?
    /// The MIME content encoding of the body.
    public var contentEncoding: String?
    /// Application headers.
    public var headers: AMQPTable?
    /// 1 for transient, 2 for persistent.
    public var deliveryMode: UInt8?
    /// The message priority, 0 to 9.
    public var priority: UInt8?
    /// The correlation id, for request/reply.
    public var correlationId: String?
    /// The queue to reply to.
    public var replyTo: String?
    /// The per-message TTL in milliseconds, as a string.
    public var expiration: String?
    /// The application's message id.
    public var messageId: String?
    /// The message timestamp, in seconds since the Unix epoch.
    public var timestamp: UInt64?
    /// The message type name.
    public var type: String?
    /// The publishing user id (RabbitMQ checks it against the connection's user).
    public var userId: String?
    /// The publishing application's id.
    public var appId: String?

    /// A transient message (`deliveryMode` 1).
    public static let transientDeliveryMode: UInt8 = 1
    /// A persistent message (`deliveryMode` 2).
    public static let persistentDeliveryMode: UInt8 = 2

    /// Creates properties; every argument defaults to unset.
    public init(
        contentType: String? = nil,
        contentEncoding: String? = nil,
        headers: AMQPTable? = nil,
        deliveryMode: UInt8? = nil,
        priority: UInt8? = nil,
        correlationId: String? = nil,
        replyTo: String? = nil,
        expiration: String? = nil,
        messageId: String? = nil,
        timestamp: UInt64? = nil,
        type: String? = nil,
        userId: String? = nil,
        appId: String? = nil
    ) {
        self.contentType = contentType
        self.contentEncoding = contentEncoding
        self.headers = headers
        self.deliveryMode = deliveryMode
        self.priority = priority
        self.correlationId = correlationId
        self.replyTo = replyTo
        self.expiration = expiration
        self.messageId = messageId
        self.timestamp = timestamp
        self.type = type
        self.userId = userId
        self.appId = appId
    }
}
