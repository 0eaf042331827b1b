import Foundation

/// One decision of the engine about an event's inventory, to be written by a store as a conditional update.
///
/// A store applies a change only if the database still agrees with the state it was decided on, so two
/// processes sharing a database can never both win the same seat.
public enum InventoryChange: Sendable, Hashable {
    /// A new booking holds its seats and tickets; applies only if every seat is still available
    /// and every pool still has room, and, with a key claim, only while the claim is still the request's (the key then
    /// records the booking as its effect).
    case hold(Booking, keyClaim: KeyClaim? = nil)
    /// An unpaid hold ends as `released` or `expired`; applies only if the booking is still `held`.
    case endHold(EndedHold)
    /// A held booking asks for payment (`payment_pending`), and the request goes to the outbox in the same
    /// transaction; applies only if the booking is still `held`, and, with a key claim, only while the claim is still
    /// the request's.
    case requestPayment(PaymentStart)
    /// A new booking holds its seats and tickets and asks for payment at once (buy now): written as `payment_pending`
    /// with its claims and its `payment.requested` outbox row in the same transaction; applies only as ``hold(_:keyClaim:)``
    /// does (the start's key claim is the request's).
    case buy(PaymentStart)
    /// A payment's outcome confirms the booking (seats sold) or cancels it (seats back on sale), recording the
    /// outcome message in the inbox in the same transaction; applies only if the booking is `payment_pending`
    /// and the message is new.
    case settle(Settlement)
}

/// The facts a store needs to start a booking's payment.
public struct PaymentStart: Sendable, Hashable {
    /// The booking, as it was when payment was asked for.
    public var booking: Booking
    /// The id of the `payment.requested` message to write.
    public var messageID: UUID
    /// When payment was asked for.
    public var at: Date
    /// The request's claim on its `Idempotency-Key`, recorded with the start; nil without a key.
    public var keyClaim: KeyClaim?

    /// Creates the facts.
    public init(booking: Booking, messageID: UUID, at: Date, keyClaim: KeyClaim? = nil) {
        self.booking = booking
        self.messageID = messageID
        self.at = at
        self.keyClaim = keyClaim
    }
}

/// The facts a store needs to settle a booking's payment.
public struct Settlement: Sendable, Hashable {
    /// The booking.
    public var bookingID: BookingID
    /// Its seats.
    public var seatIDs: [SeatID]
    /// Its GA tickets.
    public var tickets: [TicketQuantity]
    /// The customer whose booking it is.
    public var customer: String
    /// True: paid, `confirmed`; false: payment failed, `cancelled`.
    public var confirmed: Bool
    /// The id of the outcome message, recorded in the inbox.
    public var messageID: UUID
    /// When it was settled.
    public var at: Date

    /// Creates the facts.
    public init(bookingID: BookingID, customer: String, seatIDs: [SeatID], tickets: [TicketQuantity], confirmed: Bool, messageID: UUID, at: Date) {
        self.bookingID = bookingID
        self.customer = customer
        self.seatIDs = seatIDs
        self.tickets = tickets
        self.confirmed = confirmed
        self.messageID = messageID
        self.at = at
    }
}

/// The facts a store needs to end a hold.
public struct EndedHold: Sendable, Hashable {
    /// The booking.
    public var bookingID: BookingID
    /// The seats it held.
    public var seatIDs: [SeatID]
    /// The GA tickets it held.
    public var tickets: [TicketQuantity]
    /// The customer whose booking it is.
    public var customer: String
    /// `released` or `expired`.
    public var status: BookingStatus
    /// When the hold ended.
    public var at: Date

    /// Creates the facts of an ended hold.
    public init(bookingID: BookingID, customer: String, seatIDs: [SeatID], tickets: [TicketQuantity], status: BookingStatus, at: Date) {
        self.bookingID = bookingID
        self.customer = customer
        self.seatIDs = seatIDs
        self.tickets = tickets
        self.status = status
        self.at = at
    }
}

extension EndedHold {
    /// Its seats and GA tickets together.
    public var ticketCount: Int { seatIDs.count + tickets.reduce(0) { $0 + $1.quantity } }
}

extension Settlement {
    /// Its seats and GA tickets together.
    public var ticketCount: Int { seatIDs.count + tickets.reduce(0) { $0 + $1.quantity } }
}

extension InventoryChange {
    /// The booking the change is about.
    public var bookingID: BookingID {
        switch self {
        case .hold(let booking, _): booking.id
        case .endHold(let ended): ended.bookingID
        case .requestPayment(let start), .buy(let start): start.booking.id
        case .settle(let settlement): settlement.bookingID
        }
    }

    /// The booking's status once the change is applied.
    public var status: BookingStatus {
        switch self {
        case .hold: .held
        case .endHold(let ended): ended.status
        case .requestPayment, .buy: .paymentPending
        case .settle(let settlement): settlement.confirmed ? .confirmed : .cancelled
        }
    }

    /// The new booking the change makes (a hold, or a buy), nil for a change to an existing one.
    public var newBooking: Booking? {
        switch self {
        case .hold(let booking, _): booking
        case .buy(let start): start.booking
        case .endHold, .requestPayment, .settle: nil
        }
    }

    /// The seats whose status the change alters.
    public var seatIDs: [SeatID] {
        switch self {
        case .hold(let booking, _): booking.seatIDs
        case .endHold(let ended): ended.seatIDs
        case .requestPayment: []
        case .buy(let start): start.booking.seatIDs
        case .settle(let settlement): settlement.seatIDs
        }
    }
}
