import BoxofficeAMQP
import NIOCore
import NIOPosix
import Synchronization

/// Acknowledges one consumer channel's deliveries in batches: a handled delivery is acknowledged with the others handled
/// within the same millisecond, by one `basic.ack` with `multiple` for the longest run of handled deliveries from the
/// oldest unsettled one.
///
/// A delivery still being handled (retried while its database is down, say) holds back the acknowledgements of those after
/// it; once more than `aheadLimit` wait behind it, they are acknowledged one by one, so the prefetch window never fills
/// with handled messages. Rejections go at once, one by one. A channel that closes before its acknowledgement is sent
/// has its unacknowledged deliveries redelivered, and the consumer's inbox skips them.
final class BatchedAcknowledger: Sendable {
    private struct State {
        /// The oldest delivery not yet settled with the broker; nil before the first delivery.
        var next: UInt64?
        /// Handled, not yet acknowledged.
        var handled = Set<UInt64>()
        /// Settled with the broker on their own (rejected, or acknowledged ahead of an older one still being handled).
        var settledAhead = Set<UInt64>()
        var flushScheduled = false
    }

    private let channel: AMQPChannel
    private let state = Mutex(State())
    private let timer: any EventLoop
    private let aheadLimit: Int
    private let onFailure: @Sendable (any Error) -> Void

    /// Creates the acknowledger of one consumer channel.
    /// - Parameters:
    ///   - aheadLimit: how many handled deliveries may wait behind an older one before they are acknowledged one by one.
    ///   - onFailure: told when an acknowledgement could not be sent (the channel closed).
    init(channel: AMQPChannel, aheadLimit: Int, onFailure: @escaping @Sendable (any Error) -> Void) {
        self.channel = channel
        self.aheadLimit = aheadLimit
        self.onFailure = onFailure
        self.timer = MultiThreadedEventLoopGroup.singleton.next()
    }

    /// Notes a delivery as it arrives (in the channel's order, before it is handled).
    func received(_ deliveryTag: UInt64) {
        state.withLock { if $0.next == nil { $0.next = deliveryTag } }
    }

    /// Acknowledges a handled delivery, with others, within a millisecond.
    func acknowledge(_ deliveryTag: UInt64) {
        let schedule = state.withLock { state in
            state.handled.insert(deliveryTag)
            defer { state.flushScheduled = true }
            return !state.flushScheduled
        }
        if schedule { timer.scheduleTask(in: .milliseconds(1)) { self.flush() } }
    }

    /// Rejects a delivery at once, without requeueing it (to the dead-letter exchange).
    func reject(_ deliveryTag: UInt64) {
        state.withLock { state in
            // Sent under the lock, as every acknowledgement is: the broker must get them in the order they were decided
            // (an ack naming a tag already settled closes the channel).
            send { try channel.reject(deliveryTag, requeue: false) }
            state.settledAhead.insert(deliveryTag)
            flush(&state)
        }
    }

    /// Sends what is due: one multiple ack for the run of settled deliveries from the oldest, and single acks for handled
    /// ones once too many wait behind an unsettled one.
    func flush() {
        state.withLock { flush(&$0) }
    }

    /// Sends every acknowledgement still owed, when the consumer stops: the run from the oldest as one, and the handled
    /// deliveries behind one never finished (its retries cut short) one by one, so only that one comes again.
    func finish() {
        state.withLock { state in
            flush(&state)
            acknowledgeHandledOneByOne(&state)
        }
    }

    /// ``flush()`` under the lock: deciding and sending together keep the frames in the order of the decisions.
    private func flush(_ state: inout State) {
        state.flushScheduled = false
        guard var next = state.next else { return }
        var lastHandled: UInt64?
        while true {
            if state.handled.remove(next) != nil {
                lastHandled = next
            } else if state.settledAhead.remove(next) == nil {
                break
            }
            next += 1
        }
        state.next = next
        if let lastHandled { send { try channel.ack(lastHandled, multiple: true) } }
        if state.handled.count > aheadLimit { acknowledgeHandledOneByOne(&state) }
    }

    /// Acknowledges each handled delivery on its own, ahead of an older one still unsettled.
    private func acknowledgeHandledOneByOne(_ state: inout State) {
        for tag in state.handled.sorted() { send { try channel.ack(tag) } }
        state.settledAhead.formUnion(state.handled)
        state.handled.removeAll()
    }

    private func send(_ acknowledgement: () throws -> Void) {
        do {
            try acknowledgement()
        } catch {
            onFailure(error)
        }
    }
}
