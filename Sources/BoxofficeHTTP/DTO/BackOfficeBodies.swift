import BoxofficeBackOffice
import BoxofficeDomain
import Foundation
import Hummingbird

/// `POST /api/bookings/{id}/refund`: which tickets (all when left out), and whether their seats go back on sale.
struct RefundRequestBody: Decodable {
    /// Ticket ordinals (1 is the booking's first ticket); absent: every ticket not refunded yet.
    let tickets: [Int]?
    /// `release` (the default: back on sale) or `block` (kept off sale).
    let seats: String?

    /// The order this body asks for, by `organizer`.
    func order(for booking: BookingID, by organizer: String) throws(Problem) -> RefundOrder {
        let releases: Bool
        switch seats ?? "release" {
        case "release": releases = true
        case "block": releases = false
        case let other: throw Problem.invalid("seats must be release or block, not \(other).")
        }
        if let tickets, tickets.isEmpty { throw Problem.invalid("tickets must name at least one ticket, or be left out to refund them all.") }
        return RefundOrder(bookingID: booking, ordinals: tickets, releasesSeats: releases, cause: .organizer, requestedBy: organizer)
    }
}

/// A refund.
struct RefundBody: ResponseEncodable {
    let id: String
    let bookingId: String
    let eventId: Int64
    /// The refunded tickets' ordinals.
    let tickets: [Int]
    let amountMinor: Int64
    let currency: String
    /// `released` (back on sale) or `blocked`.
    let seats: String
    /// `organizer`, `customer` or `event_cancelled`.
    let cause: String
    let requestedBy: String
    /// `pending` until the payment service returned the money, then `credited`.
    let status: String
    let createdAt: Date
    let creditedAt: Date?

    init(_ refund: Refund) {
        id = refund.id.uuidString.lowercased()
        bookingId = refund.bookingID.description
        eventId = refund.eventID.rawValue
        tickets = refund.ordinals
        amountMinor = refund.amountMinor
        currency = refund.currency.code
        seats = refund.releasesSeats ? "released" : "blocked"
        cause = refund.cause.rawValue
        requestedBy = refund.requestedBy
        status = refund.creditedAt == nil ? "pending" : "credited"
        createdAt = refund.createdAt
        creditedAt = refund.creditedAt
    }
}

/// One line of a booking's history.
struct HistoryLineBody: Encodable {
    let at: Date
    /// `held`, `payment_requested`, `confirmed`, `cancelled`, `released`, `expired`, `refund_requested`, `refunded`, `checked_in`.
    let kind: String
    let detail: String

    init(_ entry: BookingHistoryEntry) {
        at = entry.at
        kind = entry.kind.rawValue
        detail = entry.detail
    }
}

/// `GET /api/bookings/{id}/history`: the booking, who made it, everything that happened to it, and its refunds.
struct BookingHistoryBody: ResponseEncodable {
    let booking: BookingBody
    let customerEmail: String?
    let history: [HistoryLineBody]
    let refunds: [RefundBody]
}

/// One order in a list.
struct OrderBody: Encodable {
    let booking: BookingBody
    let customerEmail: String?
}

/// A page of orders, newest first.
struct OrderPageBody: ResponseEncodable {
    let orders: [OrderBody]
    /// Pass as `after` for the next page; absent on the last page.
    let next: String?
}

/// An event's cancellation and how far it got.
struct CancellationBody: ResponseEncodable {
    let eventId: Int64
    /// `running` until nothing of the event is held, waiting for payment or paid; then `finished`.
    let status: String
    let requestedBy: String
    let startedAt: Date
    let finishedAt: Date?
    /// Bookings refunded because the event was cancelled.
    let refunded: Int
    /// Bookings still held, waiting for payment, or paid.
    let remaining: Int

    init(_ job: EventCancellation) {
        eventId = job.eventID.rawValue
        status = job.finishedAt == nil ? "running" : "finished"
        requestedBy = job.requestedBy
        startedAt = job.startedAt
        finishedAt = job.finishedAt
        refunded = job.refunded
        remaining = job.remaining
    }
}
