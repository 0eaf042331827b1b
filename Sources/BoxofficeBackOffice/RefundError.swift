import BoxofficeDomain
import Foundation

/// Why a refund or a customer's cancellation cannot be made.
public enum RefundError: Error, Equatable, Sendable {
    /// No booking has this id (or the asker may not see it).
    case noSuchBooking(BookingID)
    /// Only a confirmed booking can be refunded.
    case notRefundable(BookingID, BookingStatus)
    /// The booking has no ticket with this ordinal.
    case noSuchTicket(BookingID, Int)
    /// Some of the tickets asked for were refunded before.
    case alreadyRefunded(BookingID, [Int])
    /// The event lets customers cancel only until its cutoff (or not at all).
    case cancellationClosed(BookingID, cutoff: Date?)
    /// The request names no ticket.
    case nothingToRefund(BookingID)
    /// Tickets were let in at the door: a customer cannot cancel them, and their seats cannot go back on sale.
    case checkedIn(BookingID, [Int], byCustomer: Bool)

    /// "Ticket 2 was", "Tickets 1, 3 were".
    private static func tickets(_ ordinals: [Int]) -> String {
        ordinals.count == 1 ? "Ticket \(ordinals[0]) was" : "Tickets \(ordinals.map(String.init).joined(separator: ", ")) were"
    }

    /// A sentence for the customer or organizer.
    public var detail: String {
        switch self {
        case .noSuchBooking(let id): "No booking \(id)."
        case .notRefundable(let id, let status): "Booking \(id) is \(status.rawValue); only a confirmed booking can be refunded."
        case .noSuchTicket(let id, let ordinal): "Booking \(id) has no ticket \(ordinal)."
        case .alreadyRefunded(let id, let ordinals):
            "Tickets \(ordinals.map(String.init).joined(separator: ", ")) of booking \(id) were refunded before."
        case .cancellationClosed(let id, let cutoff?):
            "Booking \(id) could be cancelled until \(cutoff.formatted(.iso8601)); ask the organizer for a refund."
        case .cancellationClosed(let id, nil): "This event does not let customers cancel booking \(id); ask the organizer for a refund."
        case .nothingToRefund(let id): "Name at least one ticket of booking \(id) to refund."
        case .checkedIn(let id, let ordinals, true):
            "\(Self.tickets(ordinals)) of booking \(id) already let in at the door: the booking cannot be cancelled; ask the organizer."
        case .checkedIn(let id, let ordinals, false):
            "\(Self.tickets(ordinals)) of booking \(id) already let in at the door: refund with \"seats\": \"block\", the seat is taken."
        }
    }
}
