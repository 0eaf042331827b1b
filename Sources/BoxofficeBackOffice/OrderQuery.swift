import BoxofficeDomain
import Foundation

/// What the database filters orders by; every field set narrows the list.
public struct OrderFilter: Sendable, Hashable {
    /// One event's orders; nil for every event's.
    public var eventID: EventID?
    /// Only bookings in these statuses; empty for any.
    public var statuses: [BookingStatus]
    /// Made at or after.
    public var createdFrom: Date?
    /// Made before.
    public var createdBefore: Date?
    /// The booking id starts with this (lowercase hex, dashes as in the id).
    public var bookingIDPrefix: String?
    /// The customer's email or identifier contains this, ignoring case.
    public var customerContains: String?
    /// The booking has this seat.
    public var seat: SeatID?

    /// Creates a filter.
    public init(
        eventID: EventID? = nil, statuses: [BookingStatus] = [], createdFrom: Date? = nil, createdBefore: Date? = nil, bookingIDPrefix: String? = nil,
        customerContains: String? = nil, seat: SeatID? = nil
    ) {
        self.eventID = eventID
        self.statuses = statuses
        self.createdFrom = createdFrom
        self.createdBefore = createdBefore
        self.bookingIDPrefix = bookingIDPrefix
        self.customerContains = customerContains
        self.seat = seat
    }
}

/// Where a page of orders ends: the next page starts after this booking (newest first).
public struct OrderCursor: Sendable, Hashable, LosslessStringConvertible {
    /// The last booking of the page.
    public var bookingID: BookingID

    /// The cursor after a booking.
    public init(after booking: BookingID) {
        bookingID = booking
    }

    /// Reads a booking id.
    public init?(_ description: String) {
        guard let booking = BookingID(description) else { return nil }
        bookingID = booking
    }

    public var description: String { bookingID.description }
}

/// One order as the back office lists it: the booking and who made it.
public struct OrderLine: Sendable, Hashable {
    /// The booking.
    public var booking: Booking
    /// The customer's email; nil for a guest or a seed identifier.
    public var email: String?

    /// Creates a line.
    public init(booking: Booking, email: String?) {
        self.booking = booking
        self.email = email
    }
}
