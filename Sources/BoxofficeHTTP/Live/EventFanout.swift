import BoxofficeDomain
import NIOCore
import Synchronization

/// When one event's merged seat map changes go out: at once when the event was quiet, then at most once per
/// interval, and never while the previous delta is still being written to the subscribers. Whatever the hold
/// rate, a subscriber gets at most one delta per interval, and the engine's only work is the merge. The hub
/// names the interval each time, from how many subscribers the event has.
final class EventFanout: Sendable {
    private enum Phase {
        /// Nothing waits and nothing is being written.
        case idle
        /// A flush is scheduled.
        case scheduled
        /// A delta is being written to the subscribers.
        case flushing
    }

    private struct State {
        var pending: MergedInventory?
        var phase = Phase.idle
        var lastFlush = NIODeadline.uptimeNanoseconds(0)
    }

    private let state = Mutex(State())

    /// Creates the fan-out timing of one event.
    init() {}

    /// Merges a committed delta into what waits.
    /// - Returns: the delay after which to flush, when no flush was scheduled or running yet.
    func merge(_ delta: InventoryDelta, interval: TimeAmount) -> TimeAmount? {
        state.withLock { state in
            if state.pending == nil || state.pending?.merge(delta) == false {
                // A delta that does not follow what waits (nothing waits, or versions skipped): start again from it;
                // subscribers see the gap in the versions and read the map again.
                state.pending = MergedInventory(delta)
            }
            guard case .idle = state.phase else { return nil }
            state.phase = .scheduled
            return Self.delay(after: state.lastFlush, interval: interval)
        }
    }

    /// Takes what waits, for a flush starting now.
    func take() -> MergedInventory? {
        state.withLock { state in
            defer { state.pending = nil }
            state.phase = state.pending == nil ? .idle : .flushing
            state.lastFlush = .now()
            return state.pending
        }
    }

    /// Ends a flush once every subscriber's connection has its delta.
    /// - Returns: the delay after which to flush again, when more waits.
    func flushed(interval: TimeAmount) -> TimeAmount? {
        state.withLock { state in
            guard state.pending != nil else {
                state.phase = .idle
                return nil
            }
            state.phase = .scheduled
            return Self.delay(after: state.lastFlush, interval: interval)
        }
    }

    private static func delay(after last: NIODeadline, interval: TimeAmount) -> TimeAmount {
        max(.zero, last + interval - .now())
    }
}
