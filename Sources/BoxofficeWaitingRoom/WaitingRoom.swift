import BoxofficeDomain
import Foundation

/// An event's waiting room as visitors meet it: joining, reading one's place, and the admission pass once the
/// cursor has passed one's position.
public struct WaitingRoom: Sendable {
    let store: any QueueStore
    let signer: PassSigner
    let draw: @Sendable () -> Int64
    private let joins: JoinBatcher

    /// A waiting room over a store, signing passes with `signer`; `draw` orders the pre-queue (``uniformDraw`` by default;
    /// tests pass a seeded one).
    public init(store: any QueueStore, signer: PassSigner, draw: @escaping @Sendable () -> Int64 = WaitingRoom.uniformDraw) {
        self.store = store
        self.signer = signer
        self.draw = draw
        joins = JoinBatcher(store: store)
    }

    /// A uniformly random draw from the system's generator: ordering a pre-queue by its draws puts it in a uniformly
    /// random order, whoever arrived first.
    public static let uniformDraw: @Sendable () -> Int64 = { Int64.random(in: .min ... .max) }

    /// Puts a visitor in an event's queue, or finds the place it has (one place per identity and event).
    /// - Throws: ``DomainError/noWaitingRoom(_:)`` when the event has no queue running; ``DomainError/salesNotOpen(_:)``
    ///   before the pre-queue opens or once sales are over.
    public func join(_ event: Event, identity: String, now: Date) async throws -> QueuePlace {
        guard let state = try await store.queueState(of: event.id), state.settings.enabled else { throw DomainError.noWaitingRoom(event.id) }
        if now < state.settings.opensAt {
            throw DomainError.salesNotOpen("The waiting room for \"\(event.details.title)\" opens at \(state.settings.opensAt.formatted(.iso8601)).")
        }
        if now >= event.details.salesEnd { throw DomainError.salesNotOpen("Sales for \"\(event.details.title)\" closed at \(event.details.salesEnd.formatted(.iso8601)).") }
        let entry = try await joins.join(QueueJoin(identity: identity, at: now, draw: draw()), to: event.id)
        return try await place(of: entry, in: try await store.queueState(of: event.id) ?? state, event: event.id, now: now)
    }

    /// A visitor's place in an event's queue, with the pass once admitted.
    /// - Throws: ``DomainError/noWaitingRoom(_:)``; ``DomainError/notInQueue(_:)`` when the visitor has not joined.
    public func place(in event: EventID, identity: String, now: Date) async throws -> QueuePlace {
        guard let state = try await store.queueState(of: event), state.settings.enabled else { throw DomainError.noWaitingRoom(event) }
        guard let entry = try await store.queueEntry(of: event, identity: identity) else { throw DomainError.notInQueue(event) }
        return try await place(of: entry, in: state, event: event, now: now)
    }

    private func place(of entry: QueueEntry, in state: QueueState, event: EventID, now: Date) async throws -> QueuePlace {
        let settings = state.settings
        var place = QueuePlace(state: .preQueue, position: nil, ahead: nil, etaSeconds: nil, opensAt: settings.opensAt, salesStart: state.salesStart)
        guard state.ordered, let position = entry.position else { return place }
        place.position = position
        guard position <= state.cursor else {
            let ahead = position - state.cursor - 1
            place.state = .waiting
            place.ahead = ahead
            place.etaSeconds = Int((Double(ahead + 1) * 60 / Double(settings.admitPerMinute)).rounded(.up))
            return place
        }
        // The pass's time runs from the visitor's admission, not from its first look: when the cursor passed its
        // position, worked out from the rate (a visitor who comes back late has had its turn).
        let admittedAt = state.advancedAt.addingTimeInterval(-Double(state.cursor - position) * 60 / Double(settings.admitPerMinute))
        var issued = entry.passIssuedAt ?? now
        if entry.passIssuedAt == nil { issued = try await store.recordPassIssued(of: event, identity: entry.identity, at: min(now, admittedAt)) }
        let expiresAt = issued.addingTimeInterval(TimeInterval(settings.passMinutes * 60))
        place.ahead = 0
        place.etaSeconds = 0
        place.passExpiresAt = expiresAt
        guard now < expiresAt else {
            place.state = .expired
            return place
        }
        place.state = .admitted
        place.pass = signer.sign(AdmissionPass(event: event, holder: entry.identity, position: position, expiresAt: expiresAt))
        return place
    }
}
