import Foundation

/// The persistence the booking engine needs: events, their inventory, and bookings.
///
/// SQLite and PostgreSQL implement it alike and pass the same test suite. Every method may throw a
/// storage error (the database is unreachable, full, …); domain refusals are never thrown from here.
public protocol BookingStore: Sendable {
    /// Stores a new event, assigning its id, its seat ids and its pool ids.
    func createEvent(_ draft: EventDraft) async throws -> Event

    /// Stores events only if the database has none yet, atomically: of several processes starting at once
    /// on a new database exactly one creates them.
    /// - Returns: the events created, empty when the database already had events.
    func createEventsIfEmpty(_ drafts: [EventDraft]) async throws -> [Event]

    /// Writes an event's facts as an organizer edited them (its status, layout, pools, waiting room and orphan rule stay),
    /// unless it was cancelled, and tells the other processes sharing the database.
    /// - Returns: false when there is no such event, or it was cancelled.
    func updateEvent(_ id: EventID, details: EventDetails) async throws -> Bool

    /// Changes prices of an event's categories and pools that have nothing held or sold, and tells the other processes
    /// sharing the database.
    /// - Returns: the event with its new prices.
    /// - Throws: ``DomainError`` for an unknown category or pool, a price out of range, or one with something held or sold.
    func reprice(_ event: Event, _ edit: PriceEdit) async throws -> Event

    /// Gives an event a new seat map as ``SeatMapEdit`` allows, and tells the other processes sharing the database.
    /// - Returns: the event with its new map (and, for a map of another size of an event without sales, its new first seat id).
    /// - Throws: ``DomainError`` for an unknown or cancelled event, or a map that would move a seat held or sold.
    func editSeatMap(_ id: EventID, _ edit: SeatMapEdit) async throws -> Event

    /// Changes an event's status unless it was cancelled, and tells the other processes sharing the database.
    /// - Returns: false when there is no such event, or it was cancelled.
    func setEventStatus(_ id: EventID, to status: EventStatus) async throws -> Bool

    /// Reads every event with its inventory state and unpaid holds, to rebuild memory at start, after removing
    /// seat claims whose booking was never written.
    func loadInventories() async throws -> [EventInventory]

    /// Reads one event's inventory state again, and its details (an organizer may change them; its layout never changes),
    /// after another process changed it or the database disagreed with memory.
    func loadInventory(of event: Event) async throws -> EventInventory

    /// Reads an event this process has not seen (another process created it), with its inventory.
    func loadInventory(of id: EventID) async throws -> EventInventory?

    /// Writes a batch of decisions about one event in one durable transaction. A store may then take back, in
    /// a second one, the seat claims of holds that did not get all their seats; claims left without their
    /// booking by a crash in between are removed by ``loadInventories()``.
    /// - Parameter customerCap: the event's cap on what one customer holds or owns, checked against the
    ///   store's count of it (which is kept only for events with a cap); nil for none.
    /// - Returns: for each change, in order, whether it applied (false: the database already disagreed,
    ///   and the change left no trace), and which holds the customer cap refused.
    func apply(_ changes: [InventoryChange], event: EventID, customerCap: Int?) async throws -> BatchResult

    /// Reads one booking.
    func booking(_ id: BookingID) async throws -> Booking?

    /// A customer's most recent bookings, newest first.
    func bookings(ofCustomer customer: String, limit: Int) async throws -> [Booking]

    /// How many events exist; zero means the database is new.
    func eventCount() async throws -> Int

    /// Handles a payment outcome for a booking this process's memory did not find waiting for one, from the
    /// database's view (the booking row locked): still waiting → nothing is recorded, deliver again later;
    /// settled → nothing to do; given up while the payment succeeded → marked `refunded` and a refund
    /// requested through the outbox. Records the message in the inbox in the same transaction.
    func resolveUnsettled(_ booking: BookingID, paymentSucceeded: Bool, message: UUID, at: Date) async throws -> RefundDecision

    /// Records a message whose effect is nothing (such as `payment.refunded`).
    /// - Returns: false when it was recorded before.
    func recordProcessed(_ message: UUID) async throws -> Bool

    /// Asks again for the outcome of payments that have waited since before `cutoff` (the request or its outcome
    /// may have been lost or dead-lettered): writes a new `payment.requested` for each, in one transaction that
    /// also moves their `updated_at` to `at`, so the next ask comes only after as long again. The payment service
    /// answers a booking it decided before with the same outcome and never charges twice.
    /// - Returns: the bookings asked about, at most `limit`.
    func requestPaymentsAgain(waitingSince cutoff: Date, at: Date, limit: Int) async throws -> [BookingID]

    /// The events with a hold that ran out before `before`, as the database says: memory may not know such a hold
    /// (a write answered `503` that committed after all), so those events are read again and the hold expires the
    /// usual way.
    func eventsWithOverdueHolds(before: Date) async throws -> Set<EventID>

    /// Deletes seat claims whose booking was never written (a crash, or a failed clean-up, after a hold lost a
    /// seat) and tells the other processes sharing the database.
    /// - Returns: the events whose claims went.
    func removeOrphanClaims() async throws -> Set<EventID>
}

/// What happened to a payment outcome that arrived for a booking memory did not find waiting.
public enum RefundDecision: Sendable, Equatable {
    /// The message was processed before.
    case duplicate
    /// The booking is already settled (by this very outcome, earlier): nothing to do.
    case nothingToDo
    /// The booking is still waiting in the database; memory is behind: deliver the message again later.
    case stillPending
    /// The booking was given up: it now reads `refunded` and a refund was requested.
    case refundRequested
    /// No such booking.
    case unknownBooking
}

/// What another process's committed change did to an event's inventory, as far as this process's memory cares.
public enum RemoteInventoryChange: Sendable, Equatable {
    /// Only new claims (holds): memory may miss seats taken, but every seat it believes taken still is, so what
    /// it refuses is still refused.
    case claimsOnly
    /// Anything else — seats freed, sold, an event created: memory may refuse what the database now allows.
    case any
}

/// Tells a process what other processes sharing its database changed, so its memory can follow.
public protocol InventoryChangeFeed: Sendable {
    /// Follows changes until cancelled.
    /// - Parameters:
    ///   - onChange: called with each event another process changed or created, and what the change was.
    ///   - onResync: called whenever notifications may have been missed (after a reconnection).
    func follow(onChange: @escaping @Sendable (EventID, RemoteInventoryChange) async -> Void, onResync: @escaping @Sendable () async -> Void) async throws
}

extension BookingStore {
    /// Writes a batch of decisions about an event without a customer cap.
    /// - Returns: for each change, in order, whether it applied.
    public func apply(_ changes: [InventoryChange], event: EventID) async throws -> [Bool] {
        try await apply(changes, event: event, customerCap: nil).applied
    }
}

/// What a store made of a batch.
public struct BatchResult: Sendable, Equatable {
    /// For each change, in order, whether it applied.
    public var applied: [Bool]
    /// The indexes of the holds refused because their customer would have gone over the event's cap (as the database
    /// counts it, with every process's holds).
    public var overCap: Set<Int>
    /// The indexes of the keyed writes refused because their request's claim on its `Idempotency-Key` was no longer
    /// the request's (given up, or taken over by a retry).
    public var lostKeyClaims: Set<Int>

    /// Creates a result.
    public init(applied: [Bool], overCap: Set<Int> = [], lostKeyClaims: Set<Int> = []) {
        self.applied = applied
        self.overCap = overCap
        self.lostKeyClaims = lostKeyClaims
    }
}
