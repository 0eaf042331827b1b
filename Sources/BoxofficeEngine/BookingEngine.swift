import BoxofficeDomain
import Foundation
import Logging
import Synchronization

/// The booking service's front door: routes every inventory decision to its event's ``EventEngine``.
///
/// ```swift
/// let engine = BookingEngine(store: store, logger: logger)
/// try await engine.start()
/// let booking = try await engine.hold(try engine.seatHoldRequest(SeatID(rawValue: 7), userIdentifier: "alice"))
/// ```
public final class BookingEngine: HoldPath {
    private let store: any BookingStore
    private let now: @Sendable () -> Date
    private let logger: Logger
    private let engines = Mutex<[EventID: EventEngine]>([:])
    private let directory = Mutex(SeatDirectory())
    private let started = Atomic<Bool>(false)
    private let live: (any LiveUpdatePublisher)?
    private let enforcesCaps: Bool

    /// Creates an engine over a store; call ``start(demoEvents:)`` before use.
    /// - Parameters:
    ///   - live: told of every committed inventory change and booking status change.
    ///   - enforcesCaps: false lifts every event's customer cap (`--rate-limit off`, for benchmarks that sell a
    ///     hall as one buyer); what each customer holds is still counted.
    public init(
        store: any BookingStore, live: (any LiveUpdatePublisher)? = nil, now: @escaping @Sendable () -> Date = Date.init, logger: Logger,
        enforcesCaps: Bool = true
    ) {
        self.store = store
        self.live = live
        self.enforcesCaps = enforcesCaps
        self.now = now
        self.logger = logger
    }

    /// Rebuilds every event's in-memory state from the store, then adds `demoEvents` if the database has no
    /// event at all (exactly once across processes); the engine is ready after both.
    public func start(demoEvents: [EventDraft] = []) async throws {
        let inventories = try await store.loadInventories()
        for inventory in inventories { register(inventory) }
        if !demoEvents.isEmpty {
            for event in try await store.createEventsIfEmpty(demoEvents) { register(EventInventory(newEvent: event)) }
        }
        started.store(true, ordering: .releasing)
        logger.info("booking engine loaded \(inventories.count) events, \(inventories.reduce(0) { $0 + $1.seats.count }) seats")
    }

    /// Whether the engine has loaded its state and can take requests.
    public var isReady: Bool { started.load(ordering: .acquiring) }

    /// How many events this process sells.
    public var eventCount: Int { engines.withLock { $0.count } }

    /// Creates an event and starts deciding for it.
    public func createEvent(_ draft: EventDraft) async throws -> Event {
        let event = try await store.createEvent(draft)
        register(EventInventory(newEvent: event))
        logger.info("created event", metadata: ["event": "\(event.id)", "seats": "\(event.seatMap.seatCount)"])
        return event
    }

    /// The committed state of every event, ordered by id.
    public func snapshots() -> [InventorySnapshot] {
        engines.withLock { Array($0.values) }.map(\.snapshot).sorted { $0.event.id < $1.event.id }
    }

    /// The engine of one event.
    /// - Throws: ``DomainError/eventNotFound(_:)``.
    public func engine(for id: EventID) throws(DomainError) -> EventEngine {
        guard let engine = engines.withLock({ $0[id] }) else { throw .eventNotFound(id) }
        return engine
    }

    /// Holds seats and GA tickets of one event for a new booking, all or nothing.
    public func hold(_ request: HoldRequest) async throws -> Booking {
        try await engine(for: request.eventID).hold(request)
    }

    /// ``hold(_:)`` for a caller that cannot wait in a task, such as an event loop: `reply` is called once, right
    /// away for a refusal the committed state gives.
    public func hold(_ request: HoldRequest, reply: @escaping HoldReply) {
        do {
            try engine(for: request.eventID).hold(request, reply: reply)
        } catch {
            reply(.failure(error))
        }
    }

    /// Takes into memory a hold a writer outside the engine committed to the database itself, so the seat map,
    /// expiry and payment see it (see ``EventEngine/recordCommitted(_:)``).
    public func recordCommitted(_ booking: Booking) async throws {
        try await engine(for: booking.eventID).recordCommitted(booking)
    }

    /// The hold request of a single seat, in the event that owns it.
    /// - Throws: ``DomainError/seatNotFound(_:)`` for an unknown seat.
    public func seatHoldRequest(_ seat: SeatID, userIdentifier: String, clientAddress: String? = nil) throws(DomainError) -> HoldRequest {
        guard let eventID = directory.withLock({ $0.event(owning: seat) }) else { throw .seatNotFound(seat) }
        return HoldRequest(eventID: eventID, seatIDs: [seat], tickets: [], userIdentifier: userIdentifier, clientAddress: clientAddress)
    }

    /// Reads a booking.
    /// - Throws: ``DomainError/bookingNotFound(_:)``.
    public func booking(_ id: BookingID) async throws -> Booking {
        guard let booking = try await store.booking(id) else { throw DomainError.bookingNotFound(id) }
        return booking
    }

    /// A customer's most recent bookings, newest first.
    public func bookings(ofCustomer customer: String, limit: Int) async throws -> [Booking] {
        try await store.bookings(ofCustomer: customer, limit: limit)
    }

    /// Releases an unpaid hold; releasing a released booking again changes nothing and succeeds.
    /// - Throws: ``DomainError/bookingStateConflict(_:_:action:)`` when the booking is past holding.
    public func release(_ id: BookingID) async throws -> Booking {
        let booking = try await booking(id)
        if booking.status == .held, try await engine(for: booking.eventID).release(id) {
            return try await self.booking(id)
        }
        let current = try await self.booking(id)
        guard current.status == .released else {
            throw DomainError.bookingStateConflict(id, current.status, action: "released")
        }
        return current
    }

    /// Follows a change another process made to an event: re-reads it (soon, for new claims only), or loads it
    /// when it is new here.
    public func follow(_ id: EventID, _ change: RemoteInventoryChange) async {
        if let engine = engines.withLock({ $0[id] }) {
            switch change {
            case .claimsOnly: await engine.followNewClaims()
            case .any: await engine.refresh()
            }
            return
        }
        do {
            if let inventory = try await store.loadInventory(of: id), engines.withLock({ $0[id] }) == nil { register(inventory) }
        } catch {
            logger.error("could not load event \(id) created elsewhere: \(String(reflecting: error))")
        }
    }

    /// Changes an event's facts as an organizer edited them: checked as at creation, written, and read again by every
    /// process's engine (this one's before it answers).
    /// - Returns: the event as it is now.
    /// - Throws: ``DomainError/invalid(_:)`` for an edit that breaks a rule, ``DomainError/eventStateConflict(_:_:)``
    ///   for a cancelled event or a customer cap added to an event sold without one.
    public func updateEvent(_ id: EventID, _ edit: (EventDetails) throws -> EventDetails) async throws -> Event {
        let engine = try engine(for: id)
        var event = engine.snapshot.event
        let before = event.details
        let details = try checkedDetails(of: id, edit)
        // The status is written only by ``setStatus(of:to:)``: an edit read before a cancellation cannot undo it.
        guard try await store.updateEvent(id, details: details) else { throw Self.cancelled(before, id) }
        await engine.refresh()
        event.details = details
        return event
    }

    /// The facts an organizer's edit gives an event, checked as ``updateEvent(_:_:)`` checks them, without writing them
    /// (so a request that also changes more can be refused before it writes anything).
    /// - Throws: the refusals of ``updateEvent(_:_:)``.
    public func checkedDetails(of id: EventID, _ edit: (EventDetails) throws -> EventDetails) throws -> EventDetails {
        let before = try engine(for: id).snapshot.event.details
        guard before.status != .cancelled else { throw Self.cancelled(before, id) }
        let details = try edit(before).validated()
        if before.maxTicketsPerCustomer == nil, details.maxTicketsPerCustomer != nil {
            // What each customer holds is counted only for events with a cap: one added later would start from nothing.
            throw DomainError.eventStateConflict(id, "\"\(before.title)\" was put on sale without a customer cap, so what customers hold was not counted; it cannot get one now.")
        }
        if before.queued, details.salesStart != before.salesStart {
            throw DomainError.eventStateConflict(id, "\"\(before.title)\" sells behind a waiting room, which opens at its sales start; switch the waiting room off to move it.")
        }
        return details
    }

    /// Changes prices of an event's categories and pools that have nothing held or sold, between two of its batches, so
    /// that no hold is written at a price the event no longer has, and every hold after it is priced anew.
    /// - Returns: the event with its new prices.
    /// - Throws: ``DomainError/invalid(_:)`` for an unknown category or pool or a price out of range;
    ///   ``DomainError/eventStateConflict(_:_:)`` for a cancelled event, or a category or pool with something held or sold.
    public func reprice(_ id: EventID, _ edit: PriceEdit) async throws -> Event {
        let engine = try engine(for: id)
        let event = engine.snapshot.event
        guard event.details.status != .cancelled else { throw Self.cancelled(event.details, id) }
        guard !edit.isEmpty else { return event }
        try edit.check(against: event)
        return try await engine.betweenBatches { [store] in try await store.reprice(engine.snapshot.event, edit) }
    }

    /// Gives an event a new seat map (``SeatMapEdit`` says which), between two of its batches, so that no hold is decided
    /// on one map and written on the other. A map that moved to a new block of seat ids (one of another size, for an event without sales) gets a new engine
    /// (``seatsMoved(_:)``).
    /// - Returns: the event with its new map.
    /// - Throws: ``DomainError/eventStateConflict(_:_:)`` for a cancelled event, a published event's map of another size,
    ///   or a map that would move a seat held or sold.
    public func editSeatMap(_ id: EventID, _ edit: SeatMapEdit) async throws -> Event {
        let engine = try engine(for: id)
        // The engine reads the new map back before it answers; one whose seats moved to a new block is replaced first.
        return try await engine.betweenBatches { [store] in try await store.editSeatMap(id, edit) }
    }

    /// Whether an event's seat map moved to another block of seat ids.
    private static func movedSeats(of event: Event, to now: Event) -> Bool {
        event.firstSeatID != now.firstSeatID || event.seatMap.seatCount != now.seatMap.seatCount
    }

    /// Puts an engine built on the event's new block of seat ids in the place of the one on the old block, which found
    /// the move when it read the event again (here after an edit, or after another instance's); when an engine on the new
    /// block is already in place, that one reads the event again (a publish may have come meanwhile).
    private func seatsMoved(_ inventory: EventInventory) async {
        let id = inventory.event.id
        let (fresh, current) = engines.withLock { engines -> (EventEngine?, EventEngine?) in
            guard let current = engines[id] else { return (nil, nil) }
            guard Self.movedSeats(of: current.event, to: inventory.event) else { return (nil, current) }
            let fresh = makeEngine(inventory, version: current.snapshot.version + 1)
            engines[id] = fresh
            return (fresh, nil)
        }
        guard let fresh else {
            await current?.refresh()
            return
        }
        directory.withLock { directory in
            directory.remove(id)
            directory.add(inventory.event)
        }
        logger.info("event's seats moved to new ids", metadata: ["event": "\(id)", "seats": "\(inventory.event.seatMap.seatCount)"])
        // Read again at once: watchers hear of the new map (a new epoch), and anything committed since is taken in.
        await fresh.refresh()
    }

    /// A new engine for an event, told to hand over when its seats move.
    private func makeEngine(_ inventory: EventInventory, version: UInt64 = 0) -> EventEngine {
        EventEngine(
            inventory: inventory, store: store, live: live, now: now, logger: logger, enforcesCaps: enforcesCaps, version: version,
            seatsMoved: { [weak self] moved in await self?.seatsMoved(moved) }
        )
    }

    /// Publishes a draft, or calls an event off; a cancelled event stays cancelled. Publishing a published event, or
    /// cancelling a cancelled one, changes nothing.
    /// - Returns: the event as it is now.
    /// - Throws: ``DomainError/eventStateConflict(_:_:)`` for publishing a cancelled event.
    public func setStatus(of id: EventID, to status: EventStatus) async throws -> Event {
        let engine = try engine(for: id)
        var event = engine.snapshot.event
        guard event.details.status != status else { return event }
        guard try await store.setEventStatus(id, to: status) else {
            guard status == .cancelled else { throw Self.cancelled(event.details, id) }
            await engine.refresh()
            event.details.status = .cancelled
            return event
        }
        await engine.refresh()
        event.details.status = status
        return event
    }

    private static func cancelled(_ details: EventDetails, _ id: EventID) -> DomainError {
        DomainError.eventStateConflict(id, "\"\(details.title)\" was cancelled; it can no longer be changed.")
    }

    /// Takes in a booking change the back office committed outside the engine (a refund): the customer is told the
    /// booking's status, and when the inventory changed (seats or places back on sale, a customer's holdings lower) the
    /// event is read again.
    public func follow(_ change: BookingStatusChange, inventoryChanged: Bool) async {
        live?.publish(.booking(change))
        if inventoryChanged { await follow(change.eventID, .any) }
    }

    /// Each event's holds refused for taken seats or tickets since the last call (events with none left out).
    public func takeConflicts() -> [EventID: Int] {
        engines.withLock { $0 }.reduce(into: [:]) { counts, engine in
            let count = engine.value.takeConflicts()
            if count > 0 { counts[engine.key] = count }
        }
    }

    /// Re-reads every event, after changes from other processes may have been missed.
    public func refreshAll() async {
        guard isReady else { return }
        do {
            for inventory in try await store.loadInventories() {
                if let engine = engines.withLock({ $0[inventory.event.id] }) {
                    await engine.refresh()
                } else {
                    register(inventory)
                }
            }
        } catch {
            logger.error("could not re-read events: \(String(reflecting: error))")
        }
    }

    /// Asks for a held booking to be paid: it moves to `payment_pending` (and stops expiring) and a
    /// `payment.requested` message is written in the same transaction. Paying a booking that is already
    /// pending or confirmed changes nothing and succeeds.
    /// - Parameter keyClaim: the request's claim on its `Idempotency-Key`, recorded in the same transaction.
    /// - Throws: ``DomainError/bookingStateConflict(_:_:action:)`` when the booking is past holding;
    ///   ``DomainError/keyClaimLost`` when the key's claim is no longer the request's.
    public func pay(_ id: BookingID, keyClaim: KeyClaim? = nil) async throws -> Booking {
        var booking = try await booking(id)
        if booking.status == .held {
            let engine = try engine(for: booking.eventID)
            // A hold made before its event was called off is released by the cancellation, never paid.
            if engine.snapshot.event.details.status == .cancelled { throw DomainError.salesNotOpen("This event was cancelled; the hold cannot be paid.") }
            booking.status = .paymentPending
            if try await engine.requestPayment(booking, keyClaim: keyClaim) { return booking }
            // Memory refused a booking the database holds: another instance made it a moment ago. Catch up once.
            if try await self.booking(id).status == .held {
                await engine.refresh()
                if try await engine.requestPayment(booking, keyClaim: keyClaim) { return booking }
            }
        }
        let current = try await self.booking(id)
        guard current.status == .paymentPending || current.status == .confirmed else {
            throw DomainError.bookingStateConflict(id, current.status, action: "paid")
        }
        return current
    }

    /// Applies a payment's outcome to the booking waiting for it.
    /// - Parameter event: the booking's event when the outcome names it; otherwise it is read from the store.
    /// - Returns: ``SettleOutcome/notPending`` also for an unknown booking.
    public func settle(_ id: BookingID, event: EventID? = nil, confirmed: Bool, message: UUID) async throws -> SettleOutcome {
        var owner = event
        if owner == nil { owner = try await store.booking(id)?.eventID }
        guard let owner, let engine = engines.withLock({ $0[owner] }) else { return .notPending }
        return try await engine.settle(id, confirmed: confirmed, message: message)
    }

    /// Handles a payment outcome memory did not find waiting (see ``BookingStore/resolveUnsettled(_:paymentSucceeded:message:at:)``);
    /// when the database says the booking still waits, memory is behind: the booking's event is read again.
    public func resolveUnsettled(_ id: BookingID, paymentSucceeded: Bool, message: UUID) async throws -> RefundDecision {
        let decision = try await store.resolveUnsettled(id, paymentSucceeded: paymentSucceeded, message: message, at: now())
        if decision == .stillPending, let booking = try await store.booking(id), let engine = engines.withLock({ $0[booking.eventID] }) {
            await engine.refresh()
        }
        return decision
    }

    /// Records a message whose effect is nothing.
    public func recordProcessed(_ message: UUID) async throws -> Bool {
        try await store.recordProcessed(message)
    }

    /// Expires the holds of every event whose time ran out.
    ///
    /// Only events with a hold that may be due are asked, each without waiting for it (see
    /// ``EventEngine/expireDueSoon(at:)``), so a round costs little whatever the number of events, and an event
    /// whose writes are slow holds up no other event's expiries.
    /// - Returns: how many events were asked to sweep.
    @discardableResult
    public func expireDueHolds() -> Int {
        let at = now()
        var asked = 0
        for engine in engines.withLock({ Array($0.values) }) where engine.expireDueSoon(at: at) { asked += 1 }
        return asked
    }

    private func register(_ inventory: EventInventory) {
        let id = inventory.event.id
        let added = engines.withLock { engines in
            guard engines[id] == nil else { return false }
            engines[id] = makeEngine(inventory)
            return true
        }
        if added { directory.withLock { $0.add(inventory.event) } }
    }
}
