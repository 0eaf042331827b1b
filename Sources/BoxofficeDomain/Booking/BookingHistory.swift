import Foundation

/// One thing that happened to a booking, as its history lists it.
public struct BookingHistoryEntry: Hashable, Sendable {
    /// What happened.
    public enum Kind: String, Sendable, CaseIterable {
        /// Seats and tickets were held.
        case held
        /// Payment was asked for.
        case paymentRequested = "payment_requested"
        /// The payment succeeded; the booking is paid.
        case confirmed
        /// The payment failed; the inventory went back on sale.
        case cancelled
        /// The customer let the hold go.
        case released
        /// The hold's time ran out.
        case expired
        /// Money is on its way back to the wallet (some or all tickets refunded).
        case refundRequested = "refund_requested"
        /// The payment service returned the money to the wallet.
        case refunded
        /// A ticket was let in at the door.
        case checkedIn = "checked_in"
    }

    /// The booking.
    public var bookingID: BookingID
    /// When.
    public var at: Date
    /// What happened.
    public var kind: Kind
    /// Why, or what exactly, in words: "payment succeeded", "2 tickets, 90.00 EUR, by the organizer".
    public var detail: String

    /// Creates an entry.
    public init(bookingID: BookingID, at: Date, kind: Kind, detail: String) {
        self.bookingID = bookingID
        self.at = at
        self.kind = kind
        self.detail = detail
    }
}

extension BookingHistoryEntry {
    /// The line of a payment that succeeded after its booking was given up: the whole payment goes back.
    public static func lateRefund(_ booking: BookingID, was status: BookingStatus, at: Date) -> BookingHistoryEntry {
        BookingHistoryEntry(bookingID: booking, at: at, kind: .refundRequested, detail: "the payment succeeded after the booking was \(status.rawValue); all of it goes back")
    }
}
