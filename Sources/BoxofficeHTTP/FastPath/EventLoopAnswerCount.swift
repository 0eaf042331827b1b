import Synchronization

/// How many requests the event loops answered themselves (``FlashSaleChannelHandler``) instead of the router:
/// one count shared by the handlers of every connection of a server.
public final class EventLoopAnswerCount: Sendable {
    private let count = Atomic<Int>(0)

    /// Creates a count at zero.
    public init() {}

    /// The requests answered so far.
    public var value: Int { count.load(ordering: .relaxed) }

    func add() {
        count.add(1, ordering: .relaxed)
    }
}
