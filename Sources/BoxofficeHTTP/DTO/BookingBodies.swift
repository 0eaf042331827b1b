import BoxofficeDomain
import Foundation
import Hummingbird

/// `POST /api/book/safe`: hold one seat, as in the seed. The seed's `user_identifier` is accepted and ignored: the
/// booking belongs to the token's identity, or to a new guest.
struct SafeBookingRequest: Decodable {
    let seatId: LenientID
    let userIdentifier: String?
    /// Buy now: pay from the token's wallet in the same request.
    var pay: Bool? = nil
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
    /// The token of the guest the booking was made for, when the request came without one.
    let guestToken: String?

    init(_ booking: Booking, guestToken: String? = nil) {
        self.guestToken = guestToken
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
            + #""expires_at":"\#(InternetDate.string(from: expiresAt))","#
            + (guestToken.map { #""guest_token":"\#($0)","# } ?? "")
            + #""seat_id":\#(seatId),"status":"\#(status)"}"#
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

    /// Seats for the engine to choose.
    struct BestAvailable: Decodable {
        let quantity: Int
        let categories: [String]?
        let sections: [String]?
        let together: Bool?
        let accessible: Int?
    }

    let eventId: LenientID
    let seatIds: [LenientID]?
    let bestAvailable: BestAvailable?
    let ga: [TicketLine]?
    /// Accepted and ignored: the booking belongs to the token's identity, or to a new guest.
    let userIdentifier: String?
    /// Buy now: pay from the token's wallet in the same request.
    let pay: Bool?

    /// The hold this body asks for, for its owner, from a client address counted against the event's address cap.
    func holdRequest(owner: String, clientAddress: String?) -> HoldRequest {
        HoldRequest(
            eventID: EventID(rawValue: eventId.value),
            seatIDs: (seatIds ?? []).map { SeatID(rawValue: $0.value) },
            tickets: (ga ?? []).map { TicketQuantity(poolID: PoolID(rawValue: $0.poolId.value), quantity: $0.quantity) },
            userIdentifier: owner, clientAddress: clientAddress,
            bestAvailable: bestAvailable.map {
                BestAvailableRequest(
                    quantity: $0.quantity, categories: $0.categories ?? [], sections: $0.sections ?? [], together: $0.together ?? true, accessible: $0.accessible ?? 0
                )
            }
        )
    }
}

/// A booking as the API shows it: with its event's name and date, and its seats as people name them.
struct BookingBody: ResponseEncodable {
    struct TicketLine: Encodable {
        let poolId: Int64
        /// The pool's name.
        let name: String?
        let quantity: Int
    }

    /// The event as a booking list names it.
    struct EventSummary: Encodable {
        let id: Int64
        let title: String
        let venue: String
        /// When the show starts.
        let startsAt: Date
    }

    let id: String
    let eventId: Int64
    let event: EventSummary?
    let status: String
    let seatIds: [Int64]
    /// The seats with their section, row, number and category, in the order of `seat_ids`.
    let seats: [SeatBody]
    let ga: [TicketLine]
    let amountMinor: Int64
    let currency: String
    let expiresAt: Date
    let userIdentifier: String
    let createdAt: Date
    /// The token of the guest the booking was made for, when the request came without one.
    let guestToken: String?
    /// For seats chosen by best available: whether they are side by side in one row.
    let together: Bool?

    init(_ booking: Booking, event: Event?, guestToken: String? = nil, together: Bool? = nil) {
        self.guestToken = guestToken
        self.together = together
        id = booking.id.description
        eventId = booking.eventID.rawValue
        self.event = event.map { EventSummary(id: $0.id.rawValue, title: $0.details.title, venue: $0.details.venue, startsAt: $0.details.startsAt) }
        status = booking.status.rawValue
        seatIds = booking.seatIDs.map(\.rawValue)
        seats = booking.seatIDs.compactMap { seat in
            event?.place(of: seat).map {
                SeatBody(id: seat.rawValue, section: $0.place.section, row: $0.place.row, number: $0.place.number, category: $0.category.name)
            }
        }
        ga = booking.tickets.map { TicketLine(poolId: $0.poolID.rawValue, name: event?.pool($0.poolID)?.name, quantity: $0.quantity) }
        amountMinor = booking.amountMinor
        currency = booking.currency.code
        expiresAt = booking.expiresAt
        userIdentifier = booking.userIdentifier
        createdAt = booking.createdAt
    }
}
