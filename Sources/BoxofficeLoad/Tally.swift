import Synchronization

/// Counts, per seat (or per anything numbered), how often the server said yes.
final class Tally: Sendable {
    private let counts: Mutex<[UInt8]>
    private let total = Atomic<Int>(0)

    init(size: Int) {
        counts = Mutex(Array(repeating: 0, count: size))
    }

    /// Records a yes for an index.
    func record(_ index: Int) {
        counts.withLock { counts in counts[index] = counts[index] &+ 1 }
        total.add(1, ordering: .relaxed)
    }

    /// Whether the index already got a yes.
    func taken(_ index: Int) -> Bool { counts.withLock { $0[index] > 0 } }

    /// How many yeses in all.
    var sum: Int { total.load(ordering: .relaxed) }

    /// Indexes that got more than one yes: each is a double booking.
    var doubles: [Int] { counts.withLock { counts in counts.indices.filter { counts[$0] > 1 } } }
}
