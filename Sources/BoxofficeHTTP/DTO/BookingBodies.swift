import BoxofficeDomain
import Foundation
import Hummingbird

/// `POST /api/book/safe`: hold one seat, as in the seed.
struct SafeBookingRequest: Decodable {
    let seatId: LenientID
    let userIdentifier: String
}

/// The seed's answer to a safe booking.
struct SafeBookingBody: Encodable, ResponseGenerator {
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

    /// The same JSON the API's encoder writes (sorted snake_case keys, ISO 8601 time), written directly:
    /// this is the answer of the flash-sale path, and no member needs escaping (a UUID, digits, a
    /// currency code, a status name).
    var json: String {
        #"{"amount_minor":\#(amountMinor),"booking_id":"\#(bookingId)","currency":"\#(currency)","event_id":\#(eventId),"#
            + #""expires_at":"\#(InternetDate.string(from: expiresAt))","seat_id":\#(seatId),"status":"\#(status)"}"#
    }

    func response(from request: Request, context: some RequestContext) throws -> Response {
        Response(status: .ok, headers: [.contentType: "application/json; charset=utf-8"], body: .init(byteBuffer: ByteBuffer(string: json)))
    }
}

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
