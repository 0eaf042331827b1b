import BoxofficeDomain
import Synchronization

/// Lets a request wait for a booking to reach a status instead of polling the database: every booking status
/// change this process hears of — its own engine's, and in the distributed mode every instance's, through the
/// broker — is published here too, and resumes whoever waits for that booking.
///
/// ```swift
/// let ticket = waiters.expect(id, statuses: [.confirmed, .cancelled])   // before what changes the booking
/// _ = try await engine.pay(id)
/// let status = await waiters.wait(ticket, timeout: .seconds(3))          // nil: not within 3 s
/// ```
public final class BookingStatusWaiters: LiveUpdatePublisher {
    private struct Slot {
        let booking: BookingID
        let wanted: Set<BookingStatus>
        /// A wanted status heard before anyone waited.
        var reached: BookingStatus?
        var continuation: CheckedContinuation<BookingStatus?, Never>?
    }

    private struct State {
        var nextID = 0
        var slots: [Int: Slot] = [:]
        var byBooking: [BookingID: Set<Int>] = [:]
    }

    private let state = Mutex(State())

    /// Creates a registry with nobody waiting.
    public init() {}

    /// One registered wait.
    public struct Ticket: Sendable {
        fileprivate let id: Int
    }

    /// Starts listening for a booking reaching one of `statuses`; call it before starting what changes the
    /// booking, so no change can come in between, and end it with ``wait(_:timeout:)``.
    public func expect(_ booking: BookingID, statuses: Set<BookingStatus>) -> Ticket {
        state.withLock { state in
            state.nextID += 1
            state.slots[state.nextID] = Slot(booking: booking, wanted: statuses)
            state.byBooking[booking, default: []].insert(state.nextID)
            return Ticket(id: state.nextID)
        }
    }

    /// Waits until the booking reaches one of the expected statuses, or `timeout` passes, and forgets the ticket.
    /// - Returns: the status reached; nil when the timeout passed first.
    public func wait(_ ticket: Ticket, timeout: Duration) async -> BookingStatus? {
        let timer = Task {
            try? await Task.sleep(for: timeout)
            self.finish(ticket, with: nil)
        }
        defer { timer.cancel() }
        return await withCheckedContinuation { continuation in
            let answer: BookingStatus?? = state.withLock { state in
                guard var slot = state.slots[ticket.id] else { return .some(nil) }
                if let reached = slot.reached {
                    Self.remove(ticket.id, from: &state)
                    return .some(reached)
                }
                slot.continuation = continuation
                state.slots[ticket.id] = slot
                return .none
            }
            if let answer { continuation.resume(returning: answer) }
        }
    }

    /// Ends a ticket nobody will wait on.
    public func forget(_ ticket: Ticket) {
        finish(ticket, with: nil)
    }

    public func publish(_ update: LiveUpdate) {
        guard case .booking(let change) = update else { return }
        let ready = state.withLock { state -> [CheckedContinuation<BookingStatus?, Never>] in
            var ready: [CheckedContinuation<BookingStatus?, Never>] = []
            for id in state.byBooking[change.bookingID] ?? [] {
                guard var slot = state.slots[id], slot.wanted.contains(change.status) else { continue }
                if let continuation = slot.continuation {
                    ready.append(continuation)
                    Self.remove(id, from: &state)
                } else {
                    slot.reached = change.status
                    state.slots[id] = slot
                }
            }
            return ready
        }
        for continuation in ready { continuation.resume(returning: change.status) }
    }

    private func finish(_ ticket: Ticket, with status: BookingStatus?) {
        let continuation = state.withLock { state -> CheckedContinuation<BookingStatus?, Never>? in
            guard let slot = state.slots[ticket.id] else { return nil }
            Self.remove(ticket.id, from: &state)
            return slot.continuation
        }
        continuation?.resume(returning: status)
    }

    private static func remove(_ id: Int, from state: inout State) {
        guard let slot = state.slots.removeValue(forKey: id) else { return }
        state.byBooking[slot.booking]?.remove(id)
        if state.byBooking[slot.booking]?.isEmpty == true { state.byBooking[slot.booking] = nil }
    }
}
