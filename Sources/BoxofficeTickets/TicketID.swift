import BoxofficeDomain
import Foundation

/// A ticket's id: its booking and its place in the booking (1 for the first seat, then the other seats in the order
/// booked, then the GA tickets pool by pool), written `<booking>.<n>`.
public struct TicketID: Hashable, Sendable, Comparable, CustomStringConvertible {
    /// The booking the ticket was issued for.
    public let booking: BookingID
    /// The ticket's place in the booking, from 1.
    public let ordinal: Int

    /// Creates an id.
    public init(booking: BookingID, ordinal: Int) {
        self.booking = booking
        self.ordinal = ordinal
    }

    /// Reads `<booking uuid>.<n>`; nil for anything else.
    public init?(_ text: some StringProtocol) {
        guard let dot = text.lastIndex(of: "."), let booking = BookingID(text[..<dot]),
            let ordinal = Int(text[text.index(after: dot)...]), ordinal >= 1, ordinal <= TicketID.maxOrdinal
        else { return nil }
        self.init(booking: booking, ordinal: ordinal)
    }

    /// The most tickets one booking can have.
    public static let maxOrdinal = 65_535

    public var description: String { "\(booking).\(ordinal)" }

    public static func < (lhs: TicketID, rhs: TicketID) -> Bool {
        (lhs.booking.description, lhs.ordinal) < (rhs.booking.description, rhs.ordinal)
    }
}
