import BoxofficeDomain
import Foundation

/// What a ticket lets in: a numbered seat, or one place in a general-admission pool.
public enum TicketPlace: Hashable, Sendable {
    /// A seat.
    case seat(SeatID)
    /// A place in a pool.
    case pool(PoolID)
}

/// One admission: a seat or GA ticket of a confirmed booking.
///
/// Tickets are not stored: a confirmed booking's tickets follow from its seats and GA lines, so confirming a booking
/// writes nothing more. What is stored is what happens to them later (a new secret, a check-in).
public struct Ticket: Hashable, Sendable {
    /// The ticket's id.
    public var id: TicketID
    /// The event.
    public var eventID: EventID
    /// The seat or pool.
    public var place: TicketPlace
    /// Where the seat is; nil for a pool's ticket.
    public var seat: SeatPlace?
    /// The price category's name, or the pool's.
    public var category: String
    /// The price paid for it, in minor units.
    public var priceMinor: Int64
    /// The currency.
    public var currency: Currency

    /// Creates a ticket.
    public init(id: TicketID, eventID: EventID, place: TicketPlace, seat: SeatPlace?, category: String, priceMinor: Int64, currency: Currency) {
        self.id = id
        self.eventID = eventID
        self.place = place
        self.seat = seat
        self.category = category
        self.priceMinor = priceMinor
        self.currency = currency
    }

    /// The tickets of a booking of an event: one per seat in the order booked, then one per GA ticket, pool by pool.
    public static func tickets(of booking: Booking, in event: Event) -> [Ticket] {
        var tickets: [Ticket] = []
        tickets.reserveCapacity(booking.ticketCount)
        for seat in booking.seatIDs {
            let found = event.place(of: seat)
            tickets.append(Ticket(
                id: TicketID(booking: booking.id, ordinal: tickets.count + 1), eventID: event.id, place: .seat(seat), seat: found?.place,
                category: found?.category.name ?? "", priceMinor: found?.category.priceMinor ?? 0, currency: event.details.currency
            ))
        }
        for line in booking.tickets {
            let pool = event.pool(line.poolID)
            for _ in 0 ..< line.quantity {
                tickets.append(Ticket(
                    id: TicketID(booking: booking.id, ordinal: tickets.count + 1), eventID: event.id, place: .pool(line.poolID), seat: nil,
                    category: pool?.name ?? "", priceMinor: pool?.priceMinor ?? 0, currency: event.details.currency
                ))
            }
        }
        return tickets
    }

    /// "Stalls row C seat 12", or the pool's name.
    public var label: String { seat?.label ?? category }
}
