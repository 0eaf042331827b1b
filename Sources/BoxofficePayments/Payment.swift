import Foundation

/// The one payment of a booking: charging a booking twice has the effect of charging it once.
public struct Payment: Sendable, Hashable {
    /// Where a payment stands.
    public enum Status: String, Sendable {
        /// The wallet was charged.
        case succeeded
        /// Nothing was charged.
        case failed
        /// The whole charge was returned.
        case refunded
    }

    /// The booking paid for; the payment's identity.
    public var bookingID: UUID
    /// The wallet charged, if one was found.
    public var accountID: UUID?
    /// The amount asked for, in minor units.
    public var amountMinor: Int64
    /// The currency of the amount.
    public var currency: String
    /// Where the payment stands.
    public var status: Status
    /// Why a payment failed.
    public var reason: String?
    /// How much of the charge went back to the wallet so far, in minor units; the payment reads ``Status/refunded``
    /// once it all did.
    public var refundedMinor: Int64

    /// Creates a payment record.
    public init(bookingID: UUID, accountID: UUID?, amountMinor: Int64, currency: String, status: Status, reason: String?, refundedMinor: Int64 = 0) {
        self.bookingID = bookingID
        self.accountID = accountID
        self.amountMinor = amountMinor
        self.currency = currency
        self.status = status
        self.reason = reason
        self.refundedMinor = refundedMinor
    }
}

/// Why a payment could not be made.
public enum PaymentFailureReason {
    /// The customer has no wallet.
    public static func noAccount(_ user: String) -> String { "\(user) has no wallet; create one with POST /api/accounts." }
    /// The wallet holds another currency.
    public static func currencyMismatch(wallet: String, price: String) -> String { "The wallet holds \(wallet), the booking costs \(price)." }
    /// The wallet holds too little.
    public static let insufficientFunds = "The wallet balance is lower than the booking's price."
}
