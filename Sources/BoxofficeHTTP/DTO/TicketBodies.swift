import BoxofficeDomain
import BoxofficeTickets
import Foundation
import Hummingbird
import NIOCore

/// A seat as a ticket or booking shows it.
struct SeatBody: Encodable {
    let id: Int64
    let section: String
    let row: String
    let number: Int32
    /// The price category's name.
    let category: String?
}

/// A ticket as the API shows it: with its secret (the text of its QR code) while it admits.
struct TicketBody: ResponseEncodable {
    struct PoolBody: Encodable {
        let id: Int64
        let name: String
    }

    let id: String
    let bookingId: String
    let eventId: Int64
    let eventTitle: String
    let venue: String
    let startsAt: Date
    let seat: SeatBody?
    let pool: PoolBody?
    let category: String
    let priceMinor: Int64
    let currency: String
    /// The email of the booking's owner, or "Guest".
    let holder: String
    /// `valid`, or `revoked` once its booking was refunded.
    let status: String
    let version: Int
    let secret: String?
    let checkedInAt: Date?
    let gate: String?

    init(_ issued: IssuedTicket, event: Event, holder: String) {
        let ticket = issued.ticket
        id = ticket.id.description
        bookingId = ticket.id.booking.description
        eventId = event.id.rawValue
        eventTitle = event.details.title
        venue = event.details.venue
        startsAt = event.details.startsAt
        switch ticket.place {
        case .seat(let seat):
            self.seat = ticket.seat.map { SeatBody(id: seat.rawValue, section: $0.section, row: $0.row, number: $0.number, category: nil) }
            pool = nil
        case .pool(let pool):
            seat = nil
            self.pool = PoolBody(id: pool.rawValue, name: ticket.category)
        }
        category = ticket.category
        priceMinor = ticket.priceMinor
        currency = ticket.currency.code
        self.holder = holder
        status = issued.isRevoked ? "revoked" : "valid"
        version = issued.version
        secret = issued.secret
        checkedInAt = issued.checkin?.checkedInAt
        gate = issued.checkin?.gate
    }
}

/// `GET /api/events/{id}/tickets/key`: what scanners check tickets' signatures with.
struct TicketKeyBody: ResponseEncodable {
    let eventId: Int64
    let algorithm: String
    /// The 32 raw bytes of the Ed25519 public key, base64url.
    let publicKey: String
    /// The secrets' format version.
    let format: Int
}

/// `POST /api/events/{id}/checkins`.
struct CheckinRequestBody: Decodable {
    let secret: String
    let nonce: String
    let gate: String?
    let scannedAt: Date?

    /// The longest gate name and nonce taken, in bytes.
    static let maxGateLength = 64
    static let maxNonceLength = 100

    /// The scan this body asks for, by a scanner: its nonce scoped to the scanner's identity (two scanners that happen
    /// to pick the same nonce are two scans), the gate `main` when none is named.
    func request(by scanner: String) throws -> CheckinRequest {
        let nonce = try TextRules.required(nonce, field: "nonce", maxLength: Self.maxNonceLength)
        let gate = try gate.map { try TextRules.required($0, field: "gate", maxLength: Self.maxGateLength) } ?? "main"
        guard nonce.utf8.count <= Self.maxNonceLength, gate.utf8.count <= Self.maxGateLength else {
            throw Problem.invalid("nonce may have at most \(Self.maxNonceLength) bytes and gate at most \(Self.maxGateLength).")
        }
        return CheckinRequest(secret: secret, nonce: scanner + "/" + nonce, gate: gate, scannedAt: scannedAt)
    }
}

/// The door's answer to a scan.
struct CheckinBody: Encodable, ResponseGenerator {
    struct TicketSummary: Encodable {
        let id: String
        let seat: SeatBody?
        let pool: TicketBody.PoolBody?
        let category: String
    }

    let result: String
    let reason: String
    let ticket: TicketSummary?
    /// When the ticket was first let in (recorded by the database).
    let checkedInAt: Date?
    /// When that first admission was scanned (earlier than `checked_in_at` for a scan uploaded later by an offline scanner).
    let scannedAt: Date?
    /// Where it was first let in.
    let gate: String?

    /// The same JSON the API's encoder writes (sorted snake_case keys, nil left out, ISO 8601 time), written directly:
    /// every scan at the door is answered with it, and the encoder was 6 % of a check-in.
    var json: String {
        var members: [String] = []
        if let checkedInAt { members.append(#""checked_in_at":"\#(InternetDate.string(from: checkedInAt))""#) }
        if let gate { members.append(#""gate":\#(JSONText.quoted(gate))"#) }
        members.append(#""reason":\#(JSONText.quoted(reason))"#)
        members.append(#""result":\#(JSONText.quoted(result))"#)
        if let scannedAt { members.append(#""scanned_at":"\#(InternetDate.string(from: scannedAt))""#) }
        if let ticket {
            var fields = [#""category":\#(JSONText.quoted(ticket.category))"#, #""id":\#(JSONText.quoted(ticket.id))"#]
            if let pool = ticket.pool { fields.append(#""pool":{"id":\#(pool.id),"name":\#(JSONText.quoted(pool.name))}"#) }
            if let seat = ticket.seat {
                let category = seat.category.map { #""category":\#(JSONText.quoted($0)),"# } ?? ""
                fields.append(
                    #""seat":{\#(category)"id":\#(seat.id),"number":\#(seat.number),"row":\#(JSONText.quoted(seat.row)),"section":\#(JSONText.quoted(seat.section))}"#
                )
            }
            members.append(#""ticket":{"# + fields.joined(separator: ",") + "}")
        }
        return "{" + members.joined(separator: ",") + "}"
    }

    func response(from request: Request, context: some RequestContext) throws -> Response {
        Response(status: .ok, headers: [.contentType: "application/json; charset=utf-8"], body: .init(byteBuffer: ByteBuffer(string: json)))
    }
}

/// Checked in against expected, in all and per gate.
struct CheckinCountsBody: ResponseEncodable {
    struct Gate: Encodable {
        let gate: String
        let checkedIn: Int
    }

    let eventId: Int64
    let expected: Int
    let checkedIn: Int
    let gates: [Gate]
    let at: Date

    init(_ progress: CheckinProgress) {
        eventId = progress.eventID.rawValue
        expected = progress.expected
        checkedIn = progress.checkedIn
        gates = progress.gates.sorted { $0.key < $1.key }.map { Gate(gate: $0.key, checkedIn: $0.value) }
        at = progress.at
    }
}

/// What a scanner keeps to decide offline.
struct OfflineListBody: ResponseEncodable {
    struct Reissued: Encodable {
        let ticket: String
        let version: Int
    }

    let eventId: Int64
    let publicKey: String
    let format: Int
    let revokedBookings: [String]
    let refundedTickets: [String]
    let reissued: [Reissued]
    let checkedIn: [String]
    let at: Date
}

/// `POST /api/events/{id}/staff`.
struct StaffRequestBody: Decodable {
    let email: String
}

/// One of an event's door staff.
struct StaffBody: ResponseEncodable {
    let identity: String
    let email: String
    let addedAt: Date

    init(_ member: StaffMember) {
        identity = member.identity
        email = member.email
        addedAt = member.addedAt
    }
}

extension CheckinBody {
    /// The door's answer about a scan at an event.
    init(_ answer: CheckinAnswer, event: Event) {
        result = answer.result.rawValue
        reason = answer.reason
        ticket = answer.claim.map { Self.summary(of: $0, in: event) }
        checkedInAt = answer.checkin?.checkedInAt
        scannedAt = answer.checkin?.scannedAt
        gate = answer.checkin?.gate
    }

    private static func summary(of claim: TicketClaim, in event: Event) -> TicketSummary {
        switch claim.place {
        case .seat(let seat):
            let found = event.place(of: seat)
            return TicketSummary(
                id: claim.ticket.description,
                seat: found.map { SeatBody(id: seat.rawValue, section: $0.place.section, row: $0.place.row, number: $0.place.number, category: $0.category.name) },
                pool: nil, category: found?.category.name ?? ""
            )
        case .pool(let pool):
            let name = event.pool(pool)?.name ?? ""
            return TicketSummary(id: claim.ticket.description, seat: nil, pool: TicketBody.PoolBody(id: pool.rawValue, name: name), category: name)
        }
    }
}
