import Synchronization

/// A doorbell: `ring()` from anywhere; `wait(atMost:)` returns at the next ring, or at its timeout.
/// A ring while nobody waits is kept for the next wait (several rings count as one).
public final class Wakeup: Sendable {
    private struct Waiter {
        let id: UInt64
        let continuation: CheckedContinuation<Void, Never>
        var timer: Task<Void, Never>?
    }

    private struct State {
        var rung = false
        var waiter: Waiter?
        var lastID: UInt64 = 0
    }

    private let state = Mutex(State())

    /// Creates a doorbell.
    public init() {}

    /// Wakes the waiter, or the next one.
    public func ring() {
        let waiter = state.withLock { state -> Waiter? in
            guard let waiter = state.waiter else {
                state.rung = true
                return nil
            }
            state.waiter = nil
            return waiter
        }
        waiter?.timer?.cancel()
        waiter?.continuation.resume()
    }

    /// Waits for a ring, or at most `timeout`. One waiter at a time.
    public func wait(atMost timeout: Duration) async {
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            let id = state.withLock { state -> UInt64? in
                if state.rung {
                    state.rung = false
                    return nil
                }
                state.lastID += 1
                state.waiter = Waiter(id: state.lastID, continuation: continuation, timer: nil)
                return state.lastID
            }
            guard let id else {
                continuation.resume()
                return
            }
            let timer = Task {
                try? await Task.sleep(for: timeout)
                self.timeOut(id)
            }
            state.withLock { state in
                if state.waiter?.id == id { state.waiter?.timer = timer }
            }
        }
    }

    private func timeOut(_ id: UInt64) {
        let waiter = state.withLock { state -> Waiter? in
            guard state.waiter?.id == id else { return nil }
            defer { state.waiter = nil }
            return state.waiter
        }
        waiter?.continuation.resume()
    }
}
