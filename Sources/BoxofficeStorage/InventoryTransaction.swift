import BoxofficeDomain
import BoxofficeMessaging
import Foundation

/// The primitive writes a batch of inventory decisions needs, all inside one open transaction.
///
/// Each store (SQLite, PostgreSQL) implements these in its own SQL; ``BatchApplier`` composes them the same
/// way for both, so the two stores cannot drift apart in what a batch means.
public protocol InventoryTransaction {
    /// Moves `held` bookings to `status`; returns the ids that were still `held` and moved.
    func endHolds(_ bookings: [BookingID], status: BookingStatus, at: Date) async throws -> Set<BookingID>
    /// Deletes seat claims, found by seat (the primary key): a claim goes when its seat is one of `claims`'
    /// seats and its booking one of their bookings. Never called with an empty list.
    func deleteClaims(_ claims: [SeatClaim]) async throws
    /// Inserts seat claims for a batch of holds, skipping seats already claimed and seats outside the event's block of
    /// seat ids as stored (a seat map that moved to a new block leaves an engine that has not read it yet with
    /// ids nobody can claim).
    /// - Returns: the claims that were inserted, seat → booking.
    func claimSeats(_ claims: [SeatClaim], event: EventID) async throws -> [SeatID: BookingID]
    /// Adds to a pool's held count only if it stays within capacity; returns whether it did.
    func addHeld(_ quantity: Int, to pool: PoolID) async throws -> Bool
    /// Takes tickets back from a pool's held count.
    func removeHeld(_ quantity: Int, from pool: PoolID) async throws
    /// Inserts new bookings with their status (`held`, or `payment_pending` when bought at once).
    func insertBookings(_ bookings: [Booking]) async throws
    /// Claims the seats of bookings that hold seats only and inserts each booking that got every one of its
    /// seats; a store may do both in one statement.
    /// - Returns: the bookings inserted. The claims of the others are left in place for the caller to delete.
    func insertSeatHolds(_ bookings: [Booking], event: EventID) async throws -> Set<BookingID>
    /// Moves `held` bookings to `payment_pending`; returns the ids that moved.
    func startPayments(_ bookings: [BookingID], at: Date) async throws -> Set<BookingID>
    /// Moves `payment_pending` bookings to `confirmed` or `cancelled`; returns the ids that moved.
    func settle(_ bookings: [BookingID], confirmed: Bool, at: Date) async throws -> Set<BookingID>
    /// Marks seat claims sold, found the way ``deleteClaims(_:)`` finds them. Never called with an empty list.
    func sellClaims(_ claims: [SeatClaim]) async throws
    /// Moves tickets of a pool from held to sold.
    func sellHeld(_ quantity: Int, from pool: PoolID) async throws
    /// Records messages in the booking service's inbox; returns the ids that were new.
    func recordInbox(_ messages: [UUID]) async throws -> Set<UUID>
    /// Writes messages to the booking service's outbox.
    func appendOutbox(_ messages: [Message]) async throws
    /// Appends lines to bookings' histories (every status change after the hold, which the booking's row dates).
    func appendHistory(_ entries: [BookingHistoryEntry]) async throws
    /// Records notices for webhooks, in the transaction of the change they tell of.
    func appendNotices(_ notices: [Notice]) async throws
    /// Adds tickets to customers' holdings of an event (what each holds or owns), each addition only while the
    /// customer's total stays within `cap`; returns the customers whose addition fit.
    func addHoldings(_ holdings: [CustomerTickets], event: EventID, cap: Int) async throws -> Set<String>
    /// Takes tickets back from customers' holdings of an event.
    func removeHoldings(_ holdings: [CustomerTickets], event: EventID) async throws
    /// Moves `updated_at` to `at` for up to `limit` bookings waiting for their payment since before `cutoff`,
    /// skipping rows another transaction holds; returns the payment request each needs.
    func touchWaitingPayments(since cutoff: Date, at: Date, limit: Int) async throws -> [PaymentRequested]
    /// Records each booking as its `Idempotency-Key`'s effect where the claim is still the request's (unanswered, and
    /// neither given up nor taken over) and no effect is recorded yet; returns the claims recorded.
    func recordKeyEffects(_ effects: [KeyEffect]) async throws -> Set<KeyClaim>
    /// Takes back effects this transaction recorded for writes that then did not apply.
    func clearKeyEffects(_ claims: [KeyClaim]) async throws
}

/// A keyed write's claim and the booking the write is about.
public typealias KeyEffect = (claim: KeyClaim, booking: BookingID)

/// A seat and the booking that claims it.
public typealias SeatClaim = (seat: SeatID, booking: BookingID)

/// A customer and a number of tickets.
public typealias CustomerTickets = (customer: String, tickets: Int)

extension InventoryTransaction {
    /// Claims the seats, then inserts the bookings that got all of theirs: two statements.
    public func insertSeatHolds(_ bookings: [Booking], event: EventID) async throws -> Set<BookingID> {
        let claimed = try await claimSeats(BatchApplier.claims(bookings.map { ($0.id, $0.seatIDs) }), event: event)
        let complete = bookings.filter { booking in booking.seatIDs.allSatisfy { claimed[$0] == booking.id } }
        if !complete.isEmpty { try await insertBookings(complete) }
        return Set(complete.map(\.id))
    }
}
