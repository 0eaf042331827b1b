import BoxofficeDomain
import Foundation
import Logging
import Synchronization

/// The one place where decisions about an event's inventory are made.
///
/// Callers queue commands; the engine takes everything queued, decides it in memory against a copy of the
/// state, writes the whole batch in one transaction (group commit), and only then answers each caller and
/// publishes a new ``InventorySnapshot``. While a batch is being written the next one fills up, so under
/// contention a request costs a slot in a batch rather than a lock hand-off.
public actor EventEngine {
    /// The event this engine decides for, as it began: its id and its block of seat ids stay (a seat map moved to another
    /// block gets a new engine); its details, prices and seat map as they are now are the ``snapshot``'s.
    public nonisolated let event: Event
    private(set) var state: EventInventory
    private var version: UInt64 = 0
    /// Commands waiting for the next batch. Callers add theirs under the lock, without a hop onto the actor.
    private nonisolated let inbox = Mutex(EngineInbox())
    /// Set while memory may be behind the database (another process changed it, or a write failed): the
    /// committed snapshot may then refuse what the database would allow, so holds skip the fast refusal.
    private nonisolated let stale = Atomic<Bool>(false)
    var needsReload: Bool {
        get { stale.load(ordering: .acquiring) }
        set { stale.store(newValue, ordering: .releasing) }
    }
    private var refreshQueued = false
    /// No hold of memory's expires before this moment (milliseconds since 1970), for the sweeper's look without a hop.
    private nonisolated let nextExpiryMillis = Atomic<Int64>(.max)
    /// Set while a sweep asked by ``expireDueSoon(at:)`` is queued or running.
    private nonisolated let sweepQueued = Atomic<Bool>(false)
    /// Holds refused because what they asked for was taken, since ``takeConflicts()`` last took them.
    private nonisolated let conflicts = Atomic<Int>(0)
    /// Set while a re-read that follows another process's new claims is on its way (``followNewClaims()``).
    private var followQueued = false
    private var lastReload = ContinuousClock.now
    /// How long the last re-read took: a re-read that follows new claims waits ten times that (at most a second),
    /// so following costs about a tenth of a core whatever the event's size.
    private var lastReloadTook = Duration.zero
    private let followInterval: Duration
    private let store: any BookingStore
    private let now: @Sendable () -> Date
    private let logger: Logger
    private let maxBatch: Int
    private let enforcesCaps: Bool
    private let live: (any LiveUpdatePublisher)?
    private let seatsMoved: (@Sendable (EventInventory) async -> Void)?
    private nonisolated let published: Mutex<InventorySnapshot>

    /// Creates the engine of an event from its stored state.
    /// - Parameters:
    ///   - live: told of every committed inventory version and booking status change; nil tells no one.
    ///   - maxBatch: the most commands one transaction carries.
    ///   - followInterval: the shortest time between two re-reads that follow other processes' new claims.
    ///   - enforcesCaps: false lets a customer past the event's cap (its holdings are still counted).
    ///   - version: the version of the first snapshot: an engine taking over from another goes on from its version, so
    ///     readers never see one number stand for two states.
    ///   - seatsMoved: told, with the event as stored, when a re-read finds the event's seats on another block of ids (a
    ///     seat map of another size, for an event without sales): this engine keeps its state, and one built on the new block should take
    ///     its place.
    public init(
        inventory: EventInventory, store: any BookingStore, live: (any LiveUpdatePublisher)? = nil,
        now: @escaping @Sendable () -> Date, logger: Logger, maxBatch: Int = 4_096, followInterval: Duration = .milliseconds(100),
        enforcesCaps: Bool = true, version: UInt64 = 0, seatsMoved: (@Sendable (EventInventory) async -> Void)? = nil
    ) {
        self.seatsMoved = seatsMoved
        self.enforcesCaps = enforcesCaps
        self.event = inventory.event
        self.state = inventory
        self.store = store
        self.live = live
        self.now = now
        self.logger = logger
        self.maxBatch = maxBatch
        self.followInterval = followInterval
        self.nextExpiryMillis.store(Self.millis(inventory.nextExpiry), ordering: .relaxed)
        self.version = version
        self.published = Mutex(InventorySnapshot(inventory, version: version))
    }

    /// The latest committed state; never waits for the engine.
    public nonisolated var snapshot: InventorySnapshot { published.withLock { $0 } }

    /// Whether seats of this event are side by side in one row (of its seat map as last committed).
    public nonisolated func together(_ seats: [SeatID]) -> Bool {
        snapshot.event.seatMap.together(seats.compactMap(event.seatIndex(of:)))
    }

    /// Holds seats and tickets for a new booking, answering once the booking is durable.
    ///
    /// A request the committed state already refuses — invalid, outside the sales window, or asking for a seat
    /// or tickets that a durable batch has taken — is answered at once, without a batch: in a flash sale most
    /// requests are such refusals, and each is as right as if the engine had decided it (the state it rests on
    /// is committed). Not while memory may be behind the database: then the engine re-reads first.
    /// - Throws: ``DomainError`` when refused; a storage error when the batch could not be written.
    public nonisolated func hold(_ request: HoldRequest) async throws -> Booking {
        try await withCheckedThrowingContinuation { continuation in hold(request) { continuation.resume(with: $0) } }
    }

    /// ``hold(_:)`` for a caller that cannot wait in a task, such as an event loop: `reply` is called once,
    /// right away for a refusal the committed state gives, otherwise when the hold's batch is written.
    public nonisolated func hold(_ request: HoldRequest, reply: @escaping HoldReply) {
        if let refusal = immediateRefusal(of: request) {
            count(refusal)
            reply(.failure(refusal))
        } else {
            submit(.hold(request, reply))
        }
    }

    /// The refusal the committed state already gives a hold, without waiting for a batch; nil when the hold
    /// must wait for one, and always while memory may be behind the database.
    private nonisolated func immediateRefusal(of request: HoldRequest) -> DomainError? {
        guard request.eventID == event.id, !stale.load(ordering: .acquiring) else { return nil }
        // The committed event: its details (a waiting room switched on, say) may have changed since this engine began.
        let snapshot = self.snapshot
        do {
            let (indexes, _, _) = try request.validated(for: snapshot.event)
            try snapshot.event.details.checkSalesOpen(at: now())
            return snapshot.refusal(of: request, seatIndexes: indexes)
        } catch {
            return error
        }
    }

    /// Counts a hold refused because what it asked for was taken (for the organizer's sales chart).
    nonisolated func count(_ refusal: any Error) {
        switch refusal as? DomainError {
        case .seatsTaken?, .poolSoldOut?, .notEnoughSeats?: conflicts.wrappingAdd(1, ordering: .relaxed)
        default: break
        }
    }

    /// The holds refused for taken seats or tickets since the last call, and starts counting again.
    public nonisolated func takeConflicts() -> Int {
        conflicts.exchange(0, ordering: .relaxed)
    }

    /// Queues a sweep of due holds when one may be due at `now`, without waiting for it, and unless one is already
    /// queued: the sweeper visits every event this way each round, so an event with nothing due costs an atomic
    /// read, and an event whose batches are slow delays only its own expiries.
    /// - Returns: whether a sweep was queued.
    @discardableResult
    public nonisolated func expireDueSoon(at now: Date) -> Bool {
        guard Int64(now.timeIntervalSince1970 * 1000) >= nextExpiryMillis.load(ordering: .relaxed),
            !sweepQueued.exchange(true, ordering: .acquiringAndReleasing)
        else { return false }
        Task {
            defer { sweepQueued.store(false, ordering: .releasing) }
            do {
                try await expireDue()
            } catch {
                logger.error("expiry sweep failed: \(String(reflecting: error))", metadata: ["event": "\(event.id)"])
            }
        }
        return true
    }

    /// Reads the state again from the database soon, because another process changed it; several calls
    /// before the next batch cost one read.
    public func refresh() {
        guard !refreshQueued else { return }
        refreshQueued = true
        needsReload = true
        submit(.refresh)
    }

    /// Reads the state again because another process inserted claims only: at most once per `followInterval`, or
    /// per ten times the last re-read's duration if longer, but at least once a second. Every seat memory believes taken still is, so holds
    /// keep their fast refusals meanwhile, and a hold memory lets through for a seat taken elsewhere is refused
    /// by the database. With two instances selling one event, a re-read per batch of the other's (each reads
    /// every claim of the event) cost more than the sale itself.
    public func followNewClaims() {
        guard !followQueued, !refreshQueued else { return }
        followQueued = true
        let wait = lastReload + max(followInterval, min(lastReloadTook * 10, .seconds(1))) - ContinuousClock.now
        guard wait > .zero else { return submit(.follow) }
        Task {
            try? await Task.sleep(for: wait)
            submit(.follow)
        }
    }

    /// Queues a command for the next batch, and starts draining the queue if nothing drains it yet.
    nonisolated func submit(_ command: sending EngineCommand) {
        if inbox.withLock({ $0.add(command) }) { Task { await drain() } }
    }

    private func drain() async {
        while let batch = inbox.withLock({ $0.take(upTo: maxBatch) }) {
            await process(batch)
        }
    }

    /// Decides a batch directly on the state (copying it per batch would cost O(active holds)), writes it,
    /// and undoes in memory whatever the database did not take.
    private func process(_ batch: [EngineCommand]) async {
        var answers: [@Sendable () -> Void] = []
        for command in batch {
            guard case .exclusive(let work) = command else { continue }
            answers.append(await work())
            needsReload = true
        }
        defer { answers.forEach { $0() } }
        if batch.contains(where: { if case .refresh = $0 { true } else { false } }) {
            refreshQueued = false
            needsReload = true
        }
        if batch.contains(where: { if case .follow = $0 { true } else { false } }) {
            followQueued = false
            await reload()
        } else if needsReload {
            await reload()
        }
        let at = now()
        var decisions: [Decision] = []
        var replies: [EngineReply] = []
        var committed: [(Booking, CheckedContinuation<Void, any Error>)] = []
        func decide(_ change: InventoryChange, undo: UndoStep, customer: String) {
            decisions.append(Decision(change: change, undo: undo, customer: customer))
        }
        for command in batch {
            switch command {
            case .hold(let request, let reply, let retried):
                do {
                    var booking = try state.hold(request, id: request.bookingID ?? .random(), now: at, enforcingCaps: enforcesCaps)
                    let retry = request.bestAvailable != nil && !retried ? request : nil
                    if request.pay, let hold = state.beginPayment(booking.id) {
                        booking.status = .paymentPending
                        let start = PaymentStart(booking: booking, messageID: UUID(), at: at, keyClaim: request.keyClaim)
                        decide(.buy(start), undo: .bought(hold), customer: booking.userIdentifier)
                    } else {
                        decide(.hold(booking, keyClaim: request.keyClaim), undo: .held(booking.id), customer: booking.userIdentifier)
                    }
                    replies.append(.hold(booking, changeIndex: decisions.count - 1, reply, retry: retry, chosen: request.bestAvailable != nil))
                } catch {
                    replies.append(.refused(error, reply))
                }
            case .release(let id, let reply):
                guard let hold = state.endHold(id) else {
                    reply.resume(returning: false)
                    continue
                }
                replies.append(.release(changeIndex: decisions.count, reply))
                decide(.endHold(ended(hold, as: .released, at: at)), undo: .ended(hold), customer: hold.customer)
            case .expireDue(let reply):
                let first = decisions.count
                for id in state.dueHolds(at: at) {
                    guard let hold = state.endHold(id) else { continue }
                    decide(.endHold(ended(hold, as: .expired, at: at)), undo: .ended(hold), customer: hold.customer)
                }
                replies.append(.expireDue(changeIndexes: first ..< decisions.count, reply))
            case .requestPayment(let booking, let keyClaim, let reply):
                guard let hold = state.beginPayment(booking.id) else {
                    reply.resume(returning: false)
                    continue
                }
                replies.append(.payment(changeIndex: decisions.count, reply))
                let start = PaymentStart(booking: booking, messageID: UUID(), at: at, keyClaim: keyClaim)
                decide(.requestPayment(start), undo: .paymentStarted(hold), customer: hold.customer)
            case .settle(let id, let confirmed, let message, let reply):
                guard let hold = state.settle(id, confirmed: confirmed) else {
                    reply.resume(returning: .notPending)
                    continue
                }
                replies.append(.settle(changeIndex: decisions.count, reply))
                let settlement = Settlement(
                    bookingID: id, customer: hold.customer, seatIDs: hold.seatIndexes.map(event.seatID(at:)), tickets: hold.tickets,
                    confirmed: confirmed, messageID: message, at: at
                )
                decide(.settle(settlement), undo: .settled(hold, confirmed: confirmed), customer: hold.customer)
            case .recordCommitted(let booking, let reply):
                state.recordCommitted(booking)
                committed.append((booking, reply))
            case .refresh, .follow, .exclusive:
                continue
            }
        }
        if !committed.isEmpty {
            publish(touching: committed.flatMap { $0.0.seatIDs })
            for (booking, reply) in committed {
                tell(BookingStatusChange(bookingID: booking.id, eventID: event.id, customer: booking.userIdentifier, status: .held))
                reply.resume()
            }
        }
        guard !decisions.isEmpty else {
            answer(replies, applied: [], refusals: BatchResult(applied: []))
            return
        }
        do {
            // A lifted cap still counts what each customer holds, so lifting it leaves no count behind.
            let cap = event.details.maxTicketsPerCustomer.map { enforcesCaps ? $0 : Int(Int32.max) }
            let result = try await store.apply(decisions.map(\.change), event: event.id, customerCap: cap)
            let applied = result.applied
            undo(decisions, where: { !applied[$0] })
            if decisions.indices.allSatisfy({ applied[$0] || decisions[$0].isSingleSeatHold || result.lostKeyClaims.contains($0) }) {
                // Only one-seat holds lost their seats, to claims another process made: memory's refusals are still
                // right, and each refusal names its seat. Memory catches up soon.
                if applied.contains(false) { followNewClaims() }
            } else {
                logger.warning("database disagreed with memory; reloading inventory", metadata: ["event": "\(event.id)"])
                needsReload = true
                await reload()
            }
            let written = decisions.indices.filter { applied[$0] }
            EngineMetrics.wrote(batch: decisions.count, holds: written.filter { decisions[$0].change.newBooking != nil }.count, event: event.id)
            publish(touching: written.flatMap { decisions[$0].change.seatIDs })
            // Told before answered: whoever gets an answer finds its change already published.
            for index in decisions.indices where applied[index] { tell(decisions[index].statusChange(in: event.id)) }
            answer(replies, applied: applied, refusals: result)
        } catch {
            logger.error("could not write a batch of \(decisions.count) changes: \(String(reflecting: error))", metadata: ["event": "\(event.id)"])
            undo(decisions, where: { _ in true })
            needsReload = true
            for reply in replies { reply.fail(with: error) }
            // A write that timed out may still commit: read the truth back soon, even if no batch comes to do it.
            Task {
                try? await Task.sleep(for: .seconds(1))
                await refresh()
            }
        }
    }

    /// Takes back, newest first, the decisions of a batch that did not reach the database.
    private func undo(_ decisions: [Decision], where failed: (Int) -> Bool) {
        for index in decisions.indices.reversed() where failed(index) {
            switch decisions[index].undo {
            case .held(let id): _ = state.endHold(id)
            case .ended(let hold): state.restore(hold)
            case .bought(let hold):
                state.revertPayment(hold)
                _ = state.endHold(hold.bookingID)
            case .paymentStarted(let hold): state.revertPayment(hold)
            case .settled(let hold, let confirmed): state.unsettle(hold, confirmed: confirmed)
            }
        }
    }

    private func reload() async {
        do {
            let started = ContinuousClock.now
            let previous = state
            // The event as memory last read it: the store reads again only what changed since (a new seat map, say).
            let loaded = try await store.loadInventory(of: state.event)
            guard loaded.event.firstSeatID == event.firstSeatID, loaded.event.seatMap.seatCount == event.seatMap.seatCount else {
                // Seat ids are this engine's arithmetic: an engine on the new block takes over.
                needsReload = false
                lastReload = .now
                await seatsMoved?(loaded)
                return
            }
            state = loaded
            // The store knows no addresses: the holds this process made keep theirs, and their address caps.
            state.keepProcessState(of: previous)
            lastReload = .now
            lastReloadTook = lastReload - started
            needsReload = false
            publish(touching: nil)
        } catch {
            logger.error("could not reload inventory: \(String(reflecting: error))", metadata: ["event": "\(event.id)"])
        }
    }

    /// Makes the current state the one readers see, under a new version, and tells the live publisher
    /// what changed since the previous version.
    /// - Parameter seats: the only seats that may have changed; nil compares every seat.
    private func publish(touching seats: [SeatID]?) {
        nextExpiryMillis.store(Self.millis(state.nextExpiry), ordering: .relaxed)
        version += 1
        let next = InventorySnapshot(state, version: version)
        let previous = published.withLock { published in
            defer { published = next }
            return published
        }
        live?.publish(.inventory(next.delta(since: previous, seats: seats?.compactMap(event.seatIndex(of:)))))
    }

    private static func millis(_ date: Date) -> Int64 {
        Int64((date.timeIntervalSince1970 * 1000).rounded(.down))
    }

    private func tell(_ change: BookingStatusChange) {
        live?.publish(.booking(change))
    }

    private func ended(_ hold: ActiveHold, as status: BookingStatus, at: Date) -> EndedHold {
        EndedHold(
            bookingID: hold.bookingID, customer: hold.customer, seatIDs: hold.seatIndexes.map(event.seatID(at:)),
            tickets: hold.tickets, status: status, at: at
        )
    }
}
