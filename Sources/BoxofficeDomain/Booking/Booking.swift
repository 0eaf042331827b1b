import Foundation

/// A number of general-admission tickets from one pool.
public struct TicketQuantity: Hashable, Sendable {
    /// The pool.
    public var poolID: PoolID
    /// How many tickets.
    public var quantity: Int

    /// Creates a quantity.
    public init(poolID: PoolID, quantity: Int) {
        self.poolID = poolID
        self.quantity = quantity
    }
}

/// A customer's claim on seats and GA tickets of one event.
public struct Booking: Hashable, Sendable {
    /// The booking's id.
    public var id: BookingID
    /// The event.
    public var eventID: EventID
    /// Where the booking is in its life.
    public var status: BookingStatus
    /// The seats, in the order asked for.
    public var seatIDs: [SeatID]
    /// The GA tickets.
    public var tickets: [TicketQuantity]
    /// The total price in minor units.
    public var amountMinor: Int64
    /// The currency of the price.
    public var currency: Currency
    /// Who booked: the seed's free-form customer identifier.
    public var userIdentifier: String
    /// When the hold lapses unless payment is asked for.
    public var expiresAt: Date
    /// When the booking was made.
    public var createdAt: Date

    /// Creates a booking.
    public init(
        id: BookingID, eventID: EventID, status: BookingStatus, seatIDs: [SeatID], tickets: [TicketQuantity],
        amountMinor: Int64, currency: Currency, userIdentifier: String, expiresAt: Date, createdAt: Date
    ) {
        self.id = id
        self.eventID = eventID
        self.status = status
        self.seatIDs = seatIDs
        self.tickets = tickets
        self.amountMinor = amountMinor
        self.currency = currency
        self.userIdentifier = userIdentifier
        self.expiresAt = expiresAt
        self.createdAt = createdAt
    }

    /// How many tickets, seats and GA together.
    public var ticketCount: Int { seatIDs.count + tickets.reduce(0) { $0 + $1.quantity } }
}
