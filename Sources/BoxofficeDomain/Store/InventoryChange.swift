import Foundation

/// One decision of the engine about an event's inventory, to be written by a store as a conditional update.
///
/// A store applies a change only if the database still agrees with the state it was decided on, so two
/// processes sharing a database can never both win the same seat.
public enum InventoryChange: Sendable, Hashable {
    /// A new booking holds its seats and tickets; applies only if every seat is still available
    /// and every pool still has room.
    case hold(Booking)
    /// An unpaid hold ends as `released` or `expired`; applies only if the booking is still `held`.
    case endHold(EndedHold)
}

/// The facts a store needs to end a hold.
public struct EndedHold: Sendable, Hashable {
    /// The booking.
    public var bookingID: BookingID
    /// The seats it held.
    public var seatIDs: [SeatID]
    /// The GA tickets it held.
    public var tickets: [TicketQuantity]
    /// `released` or `expired`.
    public var status: BookingStatus
    /// When the hold ended.
    public var at: Date

    /// Creates the facts of an ended hold.
    public init(bookingID: BookingID, seatIDs: [SeatID], tickets: [TicketQuantity], status: BookingStatus, at: Date) {
        self.bookingID = bookingID
        self.seatIDs = seatIDs
        self.tickets = tickets
        self.status = status
        self.at = at
    }
}
