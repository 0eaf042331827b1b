import BoxofficeDomain
import Foundation

/// Where refunds are asked for: by an organizer (whole bookings or some tickets, seats back on sale or blocked) and by
/// customers cancelling their own bookings before the event's cutoff. Asking again for a refund that was made answers
/// with that refund and changes nothing.
public struct RefundDesk: Sendable {
    private let store: any BackOfficeStore

    /// A desk over a store.
    public init(store: any BackOfficeStore) {
        self.store = store
    }

    /// Makes a refund, or finds the one made for the same request before.
    /// - Returns: the refund, and whether it was made before (nothing changed now).
    /// - Throws: ``RefundError`` when it cannot be made as asked.
    public func refund(_ order: RefundOrder, event: Event, now: Date) async throws -> (refund: Refund, repeated: Bool) {
        do {
            return (try await store.refund(order, event: event, id: UUID(), at: now).refund, false)
        } catch let error as RefundError {
            guard let earlier = try await earlier(order, refusedWith: error) else { throw error }
            return (earlier, true)
        }
    }

    /// A customer's cancellation of their own paid booking, for a refund of all of it; the seats go back on sale.
    /// - Throws: ``RefundError/cancellationClosed(_:cutoff:)`` past the event's cutoff, or when it has none.
    public func cancel(_ booking: Booking, by customer: String, event: Event, now: Date) async throws -> (refund: Refund, repeated: Bool) {
        let order = RefundOrder(bookingID: booking.id, ordinals: nil, releasesSeats: true, cause: .customer, requestedBy: customer)
        guard booking.status != .refunded else {
            guard let earlier = try await earlier(order, refusedWith: .notRefundable(booking.id, .refunded)) else { throw RefundError.notRefundable(booking.id, .refunded) }
            return (earlier, true)
        }
        guard let cutoff = event.details.cancellationCutoff, now < cutoff else { throw RefundError.cancellationClosed(booking.id, cutoff: event.details.cancellationCutoff) }
        return try await refund(order, event: event, now: now)
    }

    /// The refund an earlier run of the same request made: the same tickets, or — for a whole booking — its last refund.
    private func earlier(_ order: RefundOrder, refusedWith error: RefundError) async throws -> Refund? {
        switch error {
        case .alreadyRefunded, .notRefundable(_, .refunded): break
        default: return nil
        }
        let refunds = try await store.refunds(of: order.bookingID)
        guard let ordinals = order.ordinals else { return refunds.last }
        return refunds.first { $0.ordinals == Array(Set(ordinals)).sorted() }
    }
}
