import BoxofficeDomain
import Foundation
import Hummingbird

/// `POST /api/book/safe`: hold one seat, as in the seed.
struct SafeBookingRequest: Decodable {
    let seatId: LenientID
    let userIdentifier: String
}

/// The seed's answer to a safe booking.
struct SafeBookingBody: ResponseEncodable {
    let bookingId: String
    let seatId: Int64
    let eventId: Int64
    let status: String
    let expiresAt: Date
    let amountMinor: Int64
    let currency: String

    init(_ booking: Booking) {
        bookingId = booking.id.description
        seatId = booking.seatIDs.first?.rawValue ?? 0
        eventId = booking.eventID.rawValue
        status = booking.status.rawValue
        expiresAt = booking.expiresAt
        amountMinor = booking.amountMinor
        currency = booking.currency.code
    }
}

/// `POST /api/bookings`: seats and GA tickets of one event, all or nothing.
struct CreateBookingRequest: Decodable {
    struct TicketLine: Decodable {
        let poolId: LenientID
        let quantity: Int
    }

    let eventId: LenientID
    let seatIds: [LenientID]?
    let ga: [TicketLine]?
    let userIdentifier: String

    var holdRequest: HoldRequest {
        HoldRequest(
            eventID: EventID(rawValue: eventId.value),
            seatIDs: (seatIds ?? []).map { SeatID(rawValue: $0.value) },
            tickets: (ga ?? []).map { TicketQuantity(poolID: PoolID(rawValue: $0.poolId.value), quantity: $0.quantity) },
            userIdentifier: userIdentifier
        )
    }
}

/// A booking as the API shows it.
struct BookingBody: ResponseEncodable {
    struct TicketLine: Encodable {
        let poolId: Int64
        let quantity: Int
    }

    let id: String
    let eventId: Int64
    let status: String
    let seatIds: [Int64]
    let ga: [TicketLine]
    let amountMinor: Int64
    let currency: String
    let expiresAt: Date
    let userIdentifier: String
    let createdAt: Date

    init(_ booking: Booking) {
        id = booking.id.description
        eventId = booking.eventID.rawValue
        status = booking.status.rawValue
        seatIds = booking.seatIDs.map(\.rawValue)
        ga = booking.tickets.map { TicketLine(poolId: $0.poolID.rawValue, quantity: $0.quantity) }
        amountMinor = booking.amountMinor
        currency = booking.currency.code
        expiresAt = booking.expiresAt
        userIdentifier = booking.userIdentifier
        createdAt = booking.createdAt
    }
}
