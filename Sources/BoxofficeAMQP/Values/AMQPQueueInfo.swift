/// What queue.declare-ok reported about a queue.
public struct AMQPQueueInfo: Sendable, Hashable {
    /// The queue's name (the broker's generated name when the declared name was empty).
    public var name: String
    /// The number of messages ready in the queue.
    public var messageCount: UInt32
    /// The number of active consumers of the queue.
    public var consumerCount: UInt32

    /// Creates queue information.
    public init(name: String, messageCount: UInt32, consumerCount: UInt32) {
        self.name = name
        self.messageCount = messageCount
        self.consumerCount = consumerCount
    }
}
