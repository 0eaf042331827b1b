import BoxofficeDomain
import Foundation

/// What a delivery's JSON says: the notice's id and topic, when it happened, and the facts of what it happened to.
public struct WebhookBody: Encodable, Sendable {
    /// The event (show) a notice is about.
    public struct EventFacts: Encodable, Sendable {
        public var id: Int64
        public var title: String
        public var venue: String
        public var startsAt: Date
        public var status: String

        /// The facts as given.
        public init(id: Int64, title: String, venue: String, startsAt: Date, status: String) {
            self.id = id
            self.title = title
            self.venue = venue
            self.startsAt = startsAt
            self.status = status
        }

        /// The facts of `event`.
        public init(_ event: Event) {
            id = event.id.rawValue
            title = event.details.title
            venue = event.details.venue
            startsAt = event.details.startsAt
            status = event.details.status.rawValue
        }
    }

    /// The booking a notice is about, as it stood when the notice was sent out.
    public struct BookingFacts: Encodable, Sendable {
        public var id: String
        public var status: String
        public var customer: String
        /// The seats, labelled ("Stalls C 12").
        public var seats: [String]
        /// General-admission tickets per pool name.
        public var places: [String: Int]
        public var amountMinor: Int64
        public var currency: String
        public var createdAt: Date

        /// The facts of `booking` of `event`.
        public init(_ booking: Booking, of event: Event) {
            id = booking.id.description
            status = booking.status.rawValue
            customer = booking.userIdentifier
            seats = booking.seatIDs.map { seat in
                event.place(of: seat).map { "\($0.place.section) \($0.place.row) \($0.place.number)" } ?? "seat \(seat.rawValue)"
            }
            places = Dictionary(booking.tickets.map { (event.pool($0.poolID)?.name ?? "pool \($0.poolID.rawValue)", $0.quantity) }, uniquingKeysWith: +)
            amountMinor = booking.amountMinor
            currency = booking.currency.code
            createdAt = booking.createdAt
        }
    }

    /// The refund a `booking.refunded` notice tells of.
    public struct RefundFacts: Encodable, Sendable {
        public var id: String
        /// The booking's tickets refunded, by their number (1…).
        public var tickets: [Int]
        public var amountMinor: Int64
        public var currency: String
        /// `release` (back on sale) or `block` (kept off sale).
        public var seats: String
        /// `organizer`, `customer` or `event_cancelled`.
        public var cause: String

        /// Creates the facts.
        public init(id: UUID, tickets: [Int], amountMinor: Int64, currency: String, releasesSeats: Bool, cause: String) {
            self.id = id.uuidString.lowercased()
            self.tickets = tickets
            self.amountMinor = amountMinor
            self.currency = currency
            seats = releasesSeats ? "release" : "block"
            self.cause = cause
        }
    }

    /// The check-in a `checkin.admitted` notice tells of.
    public struct CheckinFacts: Encodable, Sendable {
        public var ticketId: String
        public var gate: String
        public var at: Date

        /// Creates the facts.
        public init(ticketId: String, gate: String, at: Date) {
            self.ticketId = ticketId
            self.gate = gate
            self.at = at
        }
    }

    /// The notice's id: a receiver drops a body whose id it has seen.
    public var id: String
    /// The topic (`booking.confirmed`…).
    public var type: String
    /// When it happened.
    public var createdAt: Date
    public var event: EventFacts
    public var booking: BookingFacts?
    public var refund: RefundFacts?
    public var checkin: CheckinFacts?

    /// The body of `notice`, with the facts read for it.
    public init(_ notice: Notice, event: EventFacts, booking: BookingFacts? = nil, refund: RefundFacts? = nil, checkin: CheckinFacts? = nil) {
        id = notice.id.uuidString.lowercased()
        type = notice.topic.rawValue
        createdAt = notice.at
        self.event = event
        self.booking = booking
        self.refund = refund
        self.checkin = checkin
    }

    /// The JSON sent: snake_case keys in a fixed order, dates in ISO 8601 as the API writes them.
    public func encoded() throws -> String {
        let encoder = JSONEncoder()
        encoder.keyEncodingStrategy = .convertToSnakeCase
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        encoder.dateEncodingStrategy = .iso8601
        return String(decoding: try encoder.encode(self), as: UTF8.self)
    }
}

/// Reads the facts a notice's body tells (the booking, its refund, the check-in) when it is sent out.
public protocol NoticeFacts: Sendable {
    /// The body of `notice`; nil when what it is about is gone (it is then dropped, with a warning).
    func body(of notice: Notice) async throws -> WebhookBody?
}
