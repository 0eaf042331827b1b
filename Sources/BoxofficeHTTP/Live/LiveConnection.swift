import NIOCore
import Synchronization

/// One live client's outgoing queue: bounded, so a client that reads too slowly is cut off instead of
/// holding memory or slowing the publisher.
public final class LiveConnection: Sendable {
    /// Identifies the connection within its hub.
    public let id: Int
    /// The messages to send, in order; finishes when the connection is dropped.
    public let messages: AsyncStream<ByteBuffer>
    private let continuation: AsyncStream<ByteBuffer>.Continuation
    private let overflowed = Atomic<Bool>(false)

    init(id: Int, bufferedMessages: Int) {
        self.id = id
        (messages, continuation) = AsyncStream.makeStream(of: ByteBuffer.self, bufferingPolicy: .bufferingOldest(bufferedMessages))
    }

    /// Whether the connection was dropped because its queue was full.
    public var wasTooSlow: Bool { overflowed.load(ordering: .acquiring) }

    /// Queues a message.
    /// - Returns: false when the queue was full; the connection is then finished and must be dropped.
    @discardableResult
    func send(_ message: ByteBuffer) -> Bool {
        guard case .dropped = continuation.yield(message) else { return true }
        overflowed.store(true, ordering: .releasing)
        continuation.finish()
        return false
    }

    /// Ends the message stream.
    func finish() {
        continuation.finish()
    }
}
