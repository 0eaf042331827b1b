import Histogram
import NIOCore
import Synchronization

/// What the watchers of a run read: frames and bytes in all, subscribers the server dropped, and how long the
/// sampled watchers waited to see each hold.
final class WatcherCounts: Sendable {
    private let messages = Atomic<Int>(0)
    private let bytes = Atomic<Int>(0)
    private let drops = Atomic<Int>(0)
    private let latency = Mutex(Histogram<UInt64>(highestTrackableValue: 60_000_000, numberOfSignificantValueDigits: .three))

    /// Counts a delta read.
    func received(bytes count: Int) {
        messages.add(1, ordering: .relaxed)
        bytes.add(count, ordering: .relaxed)
    }

    /// Counts a subscriber the server closed.
    func dropped() {
        drops.add(1, ordering: .relaxed)
    }

    /// Records how long a change took to become visible, in microseconds.
    func visible(after micros: UInt64) {
        _ = latency.withLock { $0.record(max(micros, 1)) }
    }

    /// Deltas read in all.
    var messageCount: Int { messages.load(ordering: .relaxed) }
    /// Payload bytes read in all.
    var byteCount: Int { bytes.load(ordering: .relaxed) }
    /// Subscribers the server closed.
    var dropCount: Int { drops.load(ordering: .relaxed) }

    /// Change-to-visible latency at a percentile (100 for the longest), in milliseconds; nil before any was seen.
    func visibleMilliseconds(atPercentile percentile: Double) -> Double? {
        latency.withLock { histogram in
            guard histogram.totalCount > 0 else { return nil }
            return Double(percentile >= 100 ? histogram.max : histogram.valueAtPercentile(percentile)) / 1_000
        }
    }
}

/// When each seat's hold was answered, so sampled watchers can tell how long its change took to reach them.
///
/// The clock starts at the hold's `200`, which arrives just after its batch committed. A delta that reaches a
/// watcher before the generator has read that `200` counts as visible at once.
final class SeatClock: Sendable {
    private let firstSeat: Int
    private let answered: Mutex<[UInt64]>

    /// A clock for the seats of an event.
    init(firstSeat: Int, seats: Int) {
        self.firstSeat = firstSeat
        answered = Mutex(Array(repeating: 0, count: seats))
    }

    /// Notes that the hold of a seat (by index) was answered now.
    func answered(seat index: Int) {
        let now = NIODeadline.now().uptimeNanoseconds
        answered.withLock { $0[index] = now }
    }

    /// Records, for every seat id a delta named as held, how long after its answer the watcher saw it.
    func seen(_ seatIDs: [Int], counts: WatcherCounts) {
        let now = NIODeadline.now().uptimeNanoseconds
        let times = answered.withLock { answered in
            seatIDs.compactMap { id in answered.indices.contains(id - firstSeat) ? answered[id - firstSeat] : nil }
        }
        for time in times { counts.visible(after: time == 0 || time > now ? 0 : (now - time) / 1_000) }
    }
}
