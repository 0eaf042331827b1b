import Foundation
import Synchronization

/// A clock that moves only when a test says so.
final class TestClock: Sendable {
    private let date: Mutex<Date>

    init(_ start: Date) {
        date = Mutex(start)
    }

    var now: Date { date.withLock { $0 } }

    func advance(seconds: TimeInterval) {
        date.withLock { $0 = $0.addingTimeInterval(seconds) }
    }
}

/// A flag set from one task and read from another.
final class Flag: Sendable {
    private let value = Atomic<Bool>(false)

    var isSet: Bool { value.load(ordering: .acquiring) }

    func set() { value.store(true, ordering: .releasing) }
}
