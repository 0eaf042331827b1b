import BoxofficeDomain
import Foundation

/// An event's waiting room as visitors meet it: joining, reading one's place, and the admission pass once the
/// cursor has passed one's position.
public struct WaitingRoom: Sendable {
    let store: any QueueStore
    let signer: PassSigner
    let proofs: ProofOfWork
    let draw: @Sendable () -> Int64
    private let joins: JoinBatcher
    private let settings: SettingsCache

    /// A waiting room over a store, signing passes with `signer` and checking joins' proofs of work with `proofs`; `draw`
    /// orders the pre-queue (``uniformDraw`` by default; tests pass a seeded one).
    public init(store: any QueueStore, signer: PassSigner, proofs: ProofOfWork, draw: @escaping @Sendable () -> Int64 = WaitingRoom.uniformDraw) {
        self.store = store
        self.signer = signer
        self.proofs = proofs
        self.draw = draw
        joins = JoinBatcher(store: store)
        settings = SettingsCache(store: store)
    }

    /// A uniformly random draw from the system's generator: ordering a pre-queue by its draws puts it in a uniformly
    /// random order, whoever arrived first.
    public static let uniformDraw: @Sendable () -> Int64 = { Int64.random(in: .min ... .max) }

    /// A proof-of-work challenge for a join from `address`, or nil when the event's waiting room asks for none.
    /// - Throws: ``DomainError/noWaitingRoom(_:)`` when the event has no queue running.
    public func challenge(for event: EventID, address: String?, now: Date) async throws -> ProofOfWork.Challenge? {
        guard let state = try await settings.state(of: event, now: now), state.settings.enabled else { throw DomainError.noWaitingRoom(event) }
        guard state.settings.proofOfWork > 0 else { return nil }
        return proofs.challenge(for: event, baseDifficulty: state.settings.proofOfWork, address: address, now: now)
    }

    /// Checks a join's proof of work when the event's waiting room asks for one (a challenge and its nonce), before the
    /// visitor gets an identity; the answer goes to ``join(_:identity:now:checked:)``. The settings it checks against
    /// are at most ``SettingsCache/lifetime`` old: at an opening's thousands of joins a second, one read serves many.
    /// - Throws: ``DomainError/noWaitingRoom(_:)`` when the event has no queue running; ``DomainError/salesNotOpen(_:)``
    ///   before the pre-queue opens or once sales are over; ``DomainError/proofOfWorkRequired(_:_:)``.
    public func checkProof(_ event: Event, proof: (challenge: String, nonce: String)?, now: Date) async throws -> CheckedJoin {
        guard let state = try await settings.state(of: event.id, now: now), state.settings.enabled else { throw DomainError.noWaitingRoom(event.id) }
        if now < state.settings.opensAt {
            throw DomainError.salesNotOpen("The waiting room for \"\(event.details.title)\" opens at \(state.settings.opensAt.formatted(.iso8601)).")
        }
        if now >= event.details.salesEnd { throw DomainError.salesNotOpen("Sales for \"\(event.details.title)\" closed at \(event.details.salesEnd.formatted(.iso8601)).") }
        if state.settings.proofOfWork > 0 {
            try proofs.check(challenge: proof?.challenge, nonce: proof?.nonce, for: event.id, now: now)
        }
        return CheckedJoin()
    }

    /// Puts a visitor in an event's queue, or finds the place it has (one place per identity and event), once
    /// ``checkProof(_:proof:now:)`` let it.
    public func join(_ event: Event, identity: String, now: Date, checked: CheckedJoin) async throws -> QueuePlace {
        var (entry, current) = try await joins.join(QueueJoin(identity: identity, at: now, draw: draw()), to: event.id)
        // A visitor joining again once admitted may have paid since: its whole entry says so.
        if let position = entry.position, position <= current.cursor { entry = try await store.queueEntry(of: event.id, identity: identity) ?? entry }
        return try await place(of: entry, in: current, event: event.id, now: now)
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
            // No time can be told while admission is paused.
            place.etaSeconds = settings.paused ? nil : Int((Double(ahead + 1) * 60 / Double(state.pace)).rounded(.up))
            return place
        }
        place.ahead = 0
        place.etaSeconds = 0
        guard !entry.paid else {
            place.state = .done
            return place
        }
        // The pass's time runs from the visitor's admission, not from its first look: when the cursor passed its
        // position (a visitor who comes back late has had its turn).
        var issued = entry.passIssuedAt ?? now
        if entry.passIssuedAt == nil {
            let admittedAt = try await store.admissionTime(of: event, position: position) ?? now
            issued = try await store.recordPassIssued(of: event, identity: entry.identity, at: min(now, admittedAt))
        }
        let expiresAt = issued.addingTimeInterval(TimeInterval(settings.passMinutes * 60))
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

/// A join whose waiting room is open and whose proof of work (if asked for) holds; only ``WaitingRoom`` makes one.
public struct CheckedJoin: Sendable {
    init() {}
}
