/// The deliveries of one consumer, in order; it ends when the consumer is cancelled and throws when it is cancelled by
/// the broker (`consumerCancelled`) or its channel or connection closes.
public struct AMQPConsumer: AsyncSequence, Sendable {
    /// The element type: one delivery.
    public typealias Element = AMQPDelivery

    typealias Stream = AsyncThrowingStream<AMQPDelivery, any Error>

    /// The consumer tag (the broker's generated one when none was given).
    public let tag: String
    private let stream: Stream

    init(tag: String, stream: Stream) {
        self.tag = tag
        self.stream = stream
    }

    /// The iterator over the deliveries.
    public struct AsyncIterator: AsyncIteratorProtocol {
        var base: Stream.AsyncIterator

        /// The next delivery, or nil once the consumer was cancelled by the client.
        public mutating func next() async throws -> AMQPDelivery? {
            try await self.base.next()
        }
    }

    /// Makes the iterator; iterate a consumer from one task only.
    public func makeAsyncIterator() -> AsyncIterator {
        AsyncIterator(base: self.stream.makeAsyncIterator())
    }
}
