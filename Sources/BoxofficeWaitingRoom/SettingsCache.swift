import BoxofficeDomain
import Foundation
import Synchronization

/// The running queues' states as joins check them, each read again once it is ``lifetime`` old: a change of the
/// settings (the room switched off, a proof of work asked for) reaches joins within that time. A queue not running is
/// read every time, so one switched on is joined at once.
final class SettingsCache: Sendable {
    /// How long a read serves.
    static let lifetime: TimeInterval = 0.25

    private let store: any QueueStore
    private let states = Mutex<[EventID: (state: QueueState, readAt: Date)]>([:])

    init(store: any QueueStore) {
        self.store = store
    }

    /// An event's queue as read at most ``lifetime`` before `now`.
    func state(of event: EventID, now: Date) async throws -> QueueState? {
        if let cached = states.withLock({ $0[event] }), now.timeIntervalSince(cached.readAt) < Self.lifetime, now >= cached.readAt { return cached.state }
        let state = try await store.queueState(of: event)
        states.withLock { $0[event] = state.flatMap { $0.settings.enabled ? ($0, now) : nil } }
        return state
    }
}
