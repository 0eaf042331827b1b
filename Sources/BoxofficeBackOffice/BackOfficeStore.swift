import BoxofficeDomain
import Foundation

extension BackOfficeStore {
    /// Orders matching `filter`, newest first, starting after `cursor`: at most `limit`.
    public func orders(_ filter: OrderFilter, after cursor: OrderCursor?, limit: Int) async throws -> [OrderLine] {
        try await orders(filter, after: cursor, limit: limit, newestFirst: true)
    }
}

/// What the back office keeps in the booking database: refunds, refunded tickets and bookings' histories, and the
/// reads of orders. SQLite and PostgreSQL implement it alike; the HTTP suites run on both.
public protocol BackOfficeStore: Sendable {
    /// Runs ``RefundApplier`` in one write transaction.
    /// - Throws: ``RefundError`` (nothing written) or a storage error.
    func refund(_ order: RefundOrder, event: Event, id: UUID, at: Date) async throws -> RefundPlan

    /// Records that the payment service returned a refund's money, with the message in the inbox, in one transaction.
    /// - Returns: the refund, now credited; nil when the message was processed before or names no refund of ours.
    func recordCredited(_ refund: UUID, message: UUID, at: Date) async throws -> Refund?

    /// A booking's refunds, oldest first.
    func refunds(of booking: BookingID) async throws -> [Refund]

    /// The recorded lines of a booking's history, oldest first (the hold and check-ins are read where they are kept).
    func history(of booking: BookingID) async throws -> [BookingHistoryEntry]

    /// Orders matching `filter`, newest first (or oldest first), starting after `cursor`: at most `limit`.
    func orders(_ filter: OrderFilter, after cursor: OrderCursor?, limit: Int, newestFirst: Bool) async throws -> [OrderLine]

    /// Records that an event is being cancelled, unless it already is; a new cancellation is noticed (`event.cancelled`).
    /// - Returns: the cancellation, new or the one recorded before.
    func startCancellation(of event: EventID, by organizer: String, at: Date) async throws -> EventCancellation

    /// An event's cancellation with its progress, as the database counts it now; nil when the event was not cancelled.
    func cancellation(of event: EventID) async throws -> EventCancellation?

    /// The events whose cancellation has not finished.
    func unfinishedCancellations() async throws -> [EventID]

    /// Records that an event's cancellation finished, if nothing of it is held, waits for payment or stays paid (as the
    /// database says at that moment).
    func finishCancellation(of event: EventID, at: Date) async throws

    /// What happened to an event's sale in a window, counted per bucket by the database (every instance's doing).
    func salesFacts(of event: EventID, in window: StatsWindow) async throws -> SalesFacts

    /// Adds holds refused for taken seats to each event's count of the minute that starts at `minute`.
    func addConflicts(_ conflicts: [EventID: Int], minute: Date) async throws
}
