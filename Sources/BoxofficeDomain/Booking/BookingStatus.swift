/// Where a booking is in its life.
///
/// `held` → `payment_pending` → `confirmed`; or `released`, `expired`, `cancelled`, `refunded`.
public enum BookingStatus: String, Sendable, CaseIterable {
    /// Seats and tickets are reserved until the hold expires.
    case held
    /// Payment was asked for; the hold no longer expires.
    case paymentPending = "payment_pending"
    /// Paid; seats are sold.
    case confirmed
    /// The customer let the hold go.
    case released
    /// The hold's time ran out before payment was asked.
    case expired
    /// Payment failed; the inventory went back on sale.
    case cancelled
    /// The money was returned.
    case refunded

    /// Whether the booking still claims inventory.
    public var claimsInventory: Bool {
        switch self {
        case .held, .paymentPending, .confirmed: true
        case .released, .expired, .cancelled, .refunded: false
        }
    }

    /// Whether the booking's story is over.
    public var isTerminal: Bool {
        switch self {
        case .confirmed, .released, .expired, .cancelled, .refunded: true
        case .held, .paymentPending: false
        }
    }

    /// Whether the booking may move from this status to another.
    public func canMove(to next: BookingStatus) -> Bool {
        switch (self, next) {
        case (.held, .paymentPending), (.held, .released), (.held, .expired): true
        case (.paymentPending, .confirmed), (.paymentPending, .cancelled), (.paymentPending, .refunded): true
        case (.confirmed, .refunded): true
        // A payment that succeeded for a booking already given up is returned: the booking reads refunded.
        case (.released, .refunded), (.expired, .refunded), (.cancelled, .refunded): true
        default: false
        }
    }
}
