import Foundation

/// The sale state of one seat; one byte each, so a 20,000-seat hall costs 20 KB.
public enum SeatStatus: UInt8, Sendable {
    /// On sale.
    case available = 0
    /// Reserved by one booking until it is paid, released or expires.
    case held = 1
    /// Paid for.
    case sold = 2
}

/// The counters of one GA pool; `held + sold ≤ capacity` always.
public struct PoolCounts: Hashable, Sendable {
    /// The pool's capacity.
    public var capacity: Int
    /// Tickets reserved by unpaid bookings.
    public var held: Int
    /// Tickets paid for.
    public var sold: Int

    /// Creates counters.
    public init(capacity: Int, held: Int, sold: Int) {
        self.capacity = capacity
        self.held = held
        self.sold = sold
    }

    /// Tickets still on sale.
    public var available: Int { capacity - held - sold }
}

/// What an unpaid booking holds, kept in memory so it can be released or expired without a query.
public struct ActiveHold: Hashable, Sendable {
    /// The booking.
    public var bookingID: BookingID
    /// The customer who made it, so changes to it can be pushed to them.
    public var customer: String
    /// The seat indexes within the event.
    public var seatIndexes: [Int]
    /// The GA tickets.
    public var tickets: [TicketQuantity]
    /// When the hold lapses.
    public var expiresAt: Date
    /// The client address it was made from, when this process made it.
    public var address: String?

    /// Creates a hold record.
    public init(bookingID: BookingID, customer: String, seatIndexes: [Int], tickets: [TicketQuantity], expiresAt: Date, address: String? = nil) {
        self.bookingID = bookingID
        self.customer = customer
        self.seatIndexes = seatIndexes
        self.tickets = tickets
        self.expiresAt = expiresAt
        self.address = address
    }

    /// Its seats and GA tickets together.
    public var ticketCount: Int { seatIndexes.count + tickets.reduce(0) { $0 + $1.quantity } }
}
