import BoxofficeDomain
import BoxofficeMessaging
import Foundation

/// The steps of one refund, in each backend's SQL, all inside one transaction; ``RefundApplier`` runs them.
public protocol RefundTransaction {
    /// The booking, its row locked until the transaction ends (PostgreSQL `FOR UPDATE`; SQLite's writer is alone).
    func lockBooking(_ id: BookingID) async throws -> Booking?
    /// The ordinals of the booking's tickets refunded before.
    func refundedOrdinals(of booking: BookingID) async throws -> Set<Int>
    /// The ordinals of the booking's tickets let in at the door.
    func checkedInOrdinals(of booking: BookingID) async throws -> Set<Int>
    /// Records the refund and each of its tickets (a ticket is refunded at most once: its row's key is the ticket).
    func insertRefund(_ refund: Refund) async throws
    /// Moves the booking from `confirmed` to `refunded`.
    func markRefunded(_ booking: BookingID, at: Date) async throws
    /// Deletes the sold claims of a booking's seats, so they can be held again.
    func releaseSeats(_ seats: [SeatID], of booking: BookingID) async throws
    /// Takes tickets back from a pool's sold count, so they can be held again.
    func releaseSold(_ quantity: Int, from pool: PoolID) async throws
    /// Takes tickets back from what a customer holds or owns of an event (kept only for events with a customer cap).
    func removeHoldings(_ tickets: Int, of customer: String, event: EventID) async throws
    /// Appends lines to bookings' histories.
    func appendHistory(_ entries: [BookingHistoryEntry]) async throws
    /// Writes messages to the booking service's outbox.
    func appendOutbox(_ messages: [Message]) async throws
    /// Records notices for webhooks.
    func appendNotices(_ notices: [Notice]) async throws
    /// Takes the event's write lock until commit (the lock its batches take, so a refund and a batch never wait on each
    /// other's rows in opposite orders), and tells the other processes sharing the database, at commit, that the event's
    /// inventory changed.
    func lockEvent(_ event: EventID) async throws
}

/// How a refund is made, the same on every backend: decided from the booking as the locked row says, recorded with its
/// tickets, the seats freed or kept blocked, the booking `refunded` once every ticket is, and `refund.requested` written to
/// the outbox and `booking.refunded` noticed in the same transaction — so the wallet is credited exactly once, whatever crashes.
public enum RefundApplier {
    /// Applies `order` to its booking of `event`.
    /// - Returns: the plan recorded.
    /// - Throws: ``RefundError`` when the booking does not exist or cannot be refunded as asked; nothing is written then.
    public static func apply(_ order: RefundOrder, event: Event, id: UUID, at: Date, in transaction: some RefundTransaction) async throws -> RefundPlan {
        try await transaction.lockEvent(event.id)
        guard let booking = try await transaction.lockBooking(order.bookingID), booking.eventID == event.id else {
            throw RefundError.noSuchBooking(order.bookingID)
        }
        let already = try await transaction.refundedOrdinals(of: booking.id)
        let plan = try RefundPlan.make(
            order, booking: booking, event: event, alreadyRefunded: already, checkedIn: try await transaction.checkedInOrdinals(of: booking.id), id: id, at: at
        )
        try await transaction.insertRefund(plan.refund)
        if plan.completesBooking { try await transaction.markRefunded(booking.id, at: at) }
        if order.releasesSeats {
            if !plan.seats.isEmpty { try await transaction.releaseSeats(plan.seats, of: booking.id) }
            for line in plan.places { try await transaction.releaseSold(line.quantity, from: line.poolID) }
        }
        try await transaction.removeHoldings(plan.ticketCount, of: plan.customer, event: event.id)
        try await transaction.appendHistory([plan.historyEntry])
        let request = RefundRequested(bookingId: booking.id.rawValue, refundId: plan.refund.id, amountMinor: plan.refund.amountMinor)
        try await transaction.appendOutbox([try Message(request, id: plan.refund.id, at: at)])
        try await transaction.appendNotices([
            Notice(id: plan.refund.id, topic: .bookingRefunded, eventID: event.id, bookingID: booking.id, subject: plan.refund.id.uuidString.lowercased(), at: at)
        ])
        return plan
    }
}
