import BoxofficeDomain
import Foundation
import Synchronization

/// Who is door staff of which event, as the store says, remembered for a few seconds: at the doors every scan asks.
/// A change made on this instance shows at once; one made on another, within ``lifetime``.
public final class StaffDirectory: Sendable {
    /// How long an answer is remembered.
    public static let lifetime: TimeInterval = 5

    private struct Key: Hashable {
        let identity: String
        let event: EventID
    }

    private let store: any TicketStore
    private let answers = Mutex<[Key: (isStaff: Bool, until: Date)]>([:])

    /// A directory over a store.
    public init(store: any TicketStore) {
        self.store = store
    }

    /// Whether an identity is door staff of an event.
    public func isStaff(_ identity: String, of event: EventID, now: Date) async throws -> Bool {
        let key = Key(identity: identity, event: event)
        if let known = answers.withLock({ $0[key] }), known.until > now { return known.isStaff }
        let isStaff = try await store.isStaff(identity, of: event)
        answers.withLock { answers in
            if answers.count > 10_000 { answers = answers.filter { $0.value.until > now } }
            answers[key] = (isStaff, now.addingTimeInterval(Self.lifetime))
        }
        return isStaff
    }

    /// Makes an identity door staff of an event.
    public func add(_ member: StaffMember, to event: EventID) async throws -> StaffMember {
        let added = try await store.addStaff(member, to: event)
        answers.withLock { $0[Key(identity: member.identity, event: event)] = nil }
        return added
    }

    /// Ends an identity's door duty at an event. - Returns: false when it had none.
    public func remove(_ identity: String, from event: EventID) async throws -> Bool {
        let removed = try await store.removeStaff(identity, from: event)
        answers.withLock { $0[Key(identity: identity, event: event)] = nil }
        return removed
    }

    /// An event's door staff.
    public func staff(of event: EventID) async throws -> [StaffMember] {
        try await store.staff(of: event)
    }
}
