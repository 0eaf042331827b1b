import Foundation

/// The booking service asks for a booking to be paid from its customer's wallet.
public struct PaymentRequested: MessageBody, Equatable {
    public static let type = "payment.requested"
    /// The booking; a booking is charged at most once.
    public var bookingId: UUID
    /// Whose wallet pays.
    public var userIdentifier: String
    /// How much, in minor units.
    public var amountMinor: Int64
    /// The currency of the amount.
    public var currency: String
    /// The booking's event, said again in the outcome so the booking service finds the booking without a query;
    /// absent in requests written before it existed.
    public var eventId: Int64?

    /// Creates the request.
    public init(bookingId: UUID, userIdentifier: String, amountMinor: Int64, currency: String, eventId: Int64? = nil) {
        self.bookingId = bookingId
        self.userIdentifier = userIdentifier
        self.amountMinor = amountMinor
        self.currency = currency
        self.eventId = eventId
    }
}

/// The payment service charged the wallet.
public struct PaymentSucceeded: MessageBody, Equatable {
    public static let type = "payment.succeeded"
    /// The booking paid for.
    public var bookingId: UUID
    /// The amount charged, in minor units.
    public var amountMinor: Int64
    /// The currency of the amount.
    public var currency: String
    /// The booking's event, as the request named it.
    public var eventId: Int64?

    /// Creates the outcome.
    public init(bookingId: UUID, amountMinor: Int64, currency: String, eventId: Int64? = nil) {
        self.bookingId = bookingId
        self.amountMinor = amountMinor
        self.currency = currency
        self.eventId = eventId
    }
}

/// The payment service could not charge the wallet; nothing was taken.
public struct PaymentFailed: MessageBody, Equatable {
    public static let type = "payment.failed"
    /// The booking.
    public var bookingId: UUID
    /// Why, in words: no wallet, a wallet in another currency, not enough money.
    public var reason: String
    /// The booking's event, as the request named it.
    public var eventId: Int64?

    /// Creates the outcome.
    public init(bookingId: UUID, reason: String, eventId: Int64? = nil) {
        self.bookingId = bookingId
        self.reason = reason
        self.eventId = eventId
    }
}

/// The booking service asks for a successful payment to be returned, whole (the booking could not be confirmed) or in
/// part (an organizer refunded some of its tickets).
public struct RefundRequested: MessageBody, Equatable {
    public static let type = "refund.requested"
    /// The booking whose payment is returned.
    public var bookingId: UUID
    /// The booking service's refund; the wallet is credited at most once per refund. Absent: the whole payment is
    /// returned, once.
    public var refundId: UUID?
    /// How much to return, in minor units; absent: what is left of the payment.
    public var amountMinor: Int64?

    /// Creates the request.
    public init(bookingId: UUID, refundId: UUID? = nil, amountMinor: Int64? = nil) {
        self.bookingId = bookingId
        self.refundId = refundId
        self.amountMinor = amountMinor
    }
}

/// The payment service returned money of a booking's payment to the wallet.
public struct PaymentRefunded: MessageBody, Equatable {
    public static let type = "payment.refunded"
    /// The booking.
    public var bookingId: UUID
    /// The amount returned, in minor units.
    public var amountMinor: Int64
    /// The refund it answers, when the request named one.
    public var refundId: UUID?

    /// Creates the outcome.
    public init(bookingId: UUID, amountMinor: Int64, refundId: UUID? = nil) {
        self.bookingId = bookingId
        self.amountMinor = amountMinor
        self.refundId = refundId
    }
}
