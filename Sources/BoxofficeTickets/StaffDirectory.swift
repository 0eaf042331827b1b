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
    private let answers = Mutex<(known: [Key: (isStaff: Bool, until: Date)], changes: Int)>(([:], 0))

    /// A directory over a store.
    public init(store: any TicketStore) {
        self.store = store
    }

    /// Whether an identity is door staff of an event.
    public func isStaff(_ identity: String, of event: EventID, now: Date) async throws -> Bool {
        let key = Key(identity: identity, event: event)
        let (known, changes) = answers.withLock { ($0.known[key], $0.changes) }
        if let known, known.until > now { return known.isStaff }
        let isStaff = try await store.isStaff(identity, of: event)
        answers.withLock { answers in
            // An answer read before a change made here is not kept: it may be what the change undid.
            guard answers.changes == changes else { return }
            if answers.known.count > 10_000 { answers.known = [:] }
            answers.known[key] = (isStaff, now.addingTimeInterval(Self.lifetime))
        }
        return isStaff
    }

    /// What the directory remembers of an identity at an event's door, without asking the store; nil when it does not
    /// know (or no longer trusts what it knew).
    public func rememberedAnswer(_ identity: String, of event: EventID, now: Date) -> Bool? {
        guard let known = answers.withLock({ $0.known[Key(identity: identity, event: event)] }), known.until > now else { return nil }
        return known.isStaff
    }

    /// Makes an identity door staff of an event.
    public func add(_ member: StaffMember, to event: EventID) async throws -> StaffMember {
        let added = try await store.addStaff(member, to: event)
        forget(member.identity, of: event)
        return added
    }

    /// Ends an identity's door duty at an event. - Returns: false when it had none.
    public func remove(_ identity: String, from event: EventID) async throws -> Bool {
        let removed = try await store.removeStaff(identity, from: event)
        forget(identity, of: event)
        return removed
    }

    private func forget(_ identity: String, of event: EventID) {
        answers.withLock { answers in
            answers.known[Key(identity: identity, event: event)] = nil
            answers.changes += 1
        }
    }

    /// An event's door staff.
    public func staff(of event: EventID) async throws -> [StaffMember] {
        try await store.staff(of: event)
    }
}
