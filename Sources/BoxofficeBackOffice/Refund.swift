import BoxofficeDomain
import Foundation

/// Who asked for a refund.
public enum RefundCause: String, Sendable, CaseIterable {
    /// An organizer refunded the booking, or some of its tickets.
    case organizer
    /// The customer cancelled their own booking before the event's cancellation cutoff.
    case customer
    /// The event was cancelled.
    case eventCancelled = "event_cancelled"

    /// The cause in a history line: "by the organizer".
    var words: String {
        switch self {
        case .organizer: "by the organizer"
        case .customer: "cancelled by the customer"
        case .eventCancelled: "the event was cancelled"
        }
    }
}

/// A request to refund a confirmed booking, whole or some of its tickets.
public struct RefundOrder: Sendable, Hashable {
    /// The booking.
    public var bookingID: BookingID
    /// The tickets to refund, by ordinal (1 is the booking's first ticket); nil refunds every ticket not refunded yet.
    public var ordinals: [Int]?
    /// True: the seats and GA places go back on sale; false: they stay blocked (sold to nobody).
    public var releasesSeats: Bool
    /// Who asked.
    public var cause: RefundCause
    /// The identity that asked (an organizer's or the customer's).
    public var requestedBy: String

    /// Creates an order.
    public init(bookingID: BookingID, ordinals: [Int]?, releasesSeats: Bool, cause: RefundCause, requestedBy: String) {
        self.bookingID = bookingID
        self.ordinals = ordinals
        self.releasesSeats = releasesSeats
        self.cause = cause
        self.requestedBy = requestedBy
    }
}

/// Money of a confirmed booking on its way back to the customer's wallet, for some or all of its tickets.
public struct Refund: Sendable, Hashable {
    /// The refund's id; the payment service credits the wallet at most once per id.
    public var id: UUID
    /// The booking.
    public var bookingID: BookingID
    /// The booking's event.
    public var eventID: EventID
    /// The tickets refunded, by ordinal, ascending.
    public var ordinals: [Int]
    /// The price of those tickets, in minor units.
    public var amountMinor: Int64
    /// The currency.
    public var currency: Currency
    /// Whether the seats went back on sale (else they stay blocked).
    public var releasesSeats: Bool
    /// Who asked.
    public var cause: RefundCause
    /// The identity that asked.
    public var requestedBy: String
    /// When it was asked for.
    public var createdAt: Date
    /// When the payment service returned the money; nil until then.
    public var creditedAt: Date?

    /// Creates a refund.
    public init(
        id: UUID, bookingID: BookingID, eventID: EventID, ordinals: [Int], amountMinor: Int64, currency: Currency, releasesSeats: Bool,
        cause: RefundCause, requestedBy: String, createdAt: Date, creditedAt: Date? = nil
    ) {
        self.id = id
        self.bookingID = bookingID
        self.eventID = eventID
        self.ordinals = ordinals
        self.amountMinor = amountMinor
        self.currency = currency
        self.releasesSeats = releasesSeats
        self.cause = cause
        self.requestedBy = requestedBy
        self.createdAt = createdAt
        self.creditedAt = creditedAt
    }
}

extension Refund {
    /// "ticket 2", or "3 tickets".
    var ticketWords: String { ordinals.count == 1 ? "ticket \(ordinals[0])" : "\(ordinals.count) tickets" }

    /// The history line of the money's return.
    public var creditEntry: BookingHistoryEntry {
        let tickets = ticketWords
        return BookingHistoryEntry(
            bookingID: bookingID, at: creditedAt ?? createdAt, kind: .refunded, detail: "\(currency.format(amountMinor)) back in the wallet for \(tickets)"
        )
    }
}
