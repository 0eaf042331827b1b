import BoxofficeDomain
import BoxofficeTickets
import Foundation

/// What one refund changes, decided from the booking as the database holds it: the tickets and their price, the seats
/// and GA places they free, and whether the booking ends refunded.
public struct RefundPlan: Sendable, Hashable {
    /// The refund to record.
    public var refund: Refund
    /// The refunded tickets' seats, in ticket order.
    public var seats: [SeatID]
    /// The refunded tickets' GA places, per pool.
    public var places: [TicketQuantity]
    /// The booking's customer.
    public var customer: String
    /// Whether every ticket of the booking is refunded with this refund: the booking then reads `refunded`.
    public var completesBooking: Bool

    /// The number of tickets refunded.
    public var ticketCount: Int { refund.ordinals.count }

    /// Decides a refund of `booking` of `event`, whose tickets `alreadyRefunded` were refunded before and `checkedIn` let in.
    /// - Throws: ``RefundError`` when the booking is not confirmed, a ticket does not exist or was refunded, nothing is
    ///   left, or a ticket let in would be cancelled by its customer or have its seat put back on sale.
    public static func make(
        _ order: RefundOrder, booking: Booking, event: Event, alreadyRefunded: Set<Int>, checkedIn: Set<Int> = [], id: UUID, at: Date
    ) throws(RefundError) -> RefundPlan {
        guard booking.status == .confirmed else { throw .notRefundable(booking.id, booking.status) }
        let tickets = Ticket.tickets(of: booking, in: event)
        let wanted: [Int]
        if let ordinals = order.ordinals {
            guard !ordinals.isEmpty else { throw .nothingToRefund(booking.id) }
            wanted = Array(Set(ordinals)).sorted()
            if let missing = wanted.first(where: { $0 < 1 || $0 > tickets.count }) { throw .noSuchTicket(booking.id, missing) }
            let repeated = wanted.filter(alreadyRefunded.contains)
            guard repeated.isEmpty else { throw .alreadyRefunded(booking.id, repeated) }
        } else {
            wanted = (1 ... max(tickets.count, 1)).filter { $0 <= tickets.count && !alreadyRefunded.contains($0) }
            guard !wanted.isEmpty else { throw .alreadyRefunded(booking.id, alreadyRefunded.sorted()) }
        }
        let used = wanted.filter(checkedIn.contains)
        if !used.isEmpty, order.cause == .customer || order.releasesSeats {
            throw .checkedIn(booking.id, used, byCustomer: order.cause == .customer)
        }
        var seats: [SeatID] = []
        var places: [PoolID: Int] = [:]
        var amount: Int64 = 0
        for ordinal in wanted {
            let ticket = tickets[ordinal - 1]
            amount += ticket.priceMinor
            switch ticket.place {
            case .seat(let seat): seats.append(seat)
            case .pool(let pool): places[pool, default: 0] += 1
            }
        }
        let refund = Refund(
            id: id, bookingID: booking.id, eventID: event.id, ordinals: wanted, amountMinor: amount, currency: booking.currency,
            releasesSeats: order.releasesSeats, cause: order.cause, requestedBy: order.requestedBy, createdAt: at
        )
        return RefundPlan(
            refund: refund, seats: seats, places: places.sorted { $0.key < $1.key }.map { TicketQuantity(poolID: $0.key, quantity: $0.value) },
            customer: booking.userIdentifier, completesBooking: alreadyRefunded.count + wanted.count == tickets.count
        )
    }

    /// The history line the refund writes.
    public var historyEntry: BookingHistoryEntry {
        let tickets = refund.ticketWords
        let money = refund.currency.format(refund.amountMinor)
        let seats = refund.releasesSeats ? "back on sale" : "kept off sale"
        return BookingHistoryEntry(
            bookingID: refund.bookingID, at: refund.createdAt, kind: .refundRequested, detail: "\(tickets), \(money), \(refund.cause.words); \(seats)"
        )
    }
}
