import BoxofficeDomain
import Foundation

/// `PATCH /api/events/{id}`: the facts to change; a field left out stays as it is, `null` clears a nullable one. The
/// seat map, the price categories and the pools are not changed here.
struct UpdateEventRequest: Decodable {
    let title: String?
    let description: String?
    let venue: String?
    let startsAt: Date?
    let salesStart: Date?
    let salesEnd: Date?
    let holdTtlSeconds: Int?
    let maxTicketsPerBooking: Int?
    let maxTicketsPerCustomer: Setting<Int>
    let heldPerAddress: Setting<Int>
    let cancellationCutoff: Setting<Date>
    /// The layout's members the body names (`seat_map`, `categories`, `ga_pools`), only to be refused: the layout and
    /// prices stay as the event was made.
    let layoutMembers: [String]

    private enum CodingKeys: String, CodingKey {
        case title, description, venue, startsAt, salesStart, salesEnd, holdTtlSeconds, maxTicketsPerBooking, maxTicketsPerCustomer
        case heldPerAddress, cancellationCutoff, seatMap, categories, gaPools
    }

    init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        title = try container.decodeIfPresent(String.self, forKey: .title)
        description = try container.decodeIfPresent(String.self, forKey: .description)
        venue = try container.decodeIfPresent(String.self, forKey: .venue)
        startsAt = try container.decodeIfPresent(Date.self, forKey: .startsAt)
        salesStart = try container.decodeIfPresent(Date.self, forKey: .salesStart)
        salesEnd = try container.decodeIfPresent(Date.self, forKey: .salesEnd)
        holdTtlSeconds = try container.decodeIfPresent(Int.self, forKey: .holdTtlSeconds)
        maxTicketsPerBooking = try container.decodeIfPresent(Int.self, forKey: .maxTicketsPerBooking)
        maxTicketsPerCustomer = try container.decode(Setting<Int>.self, forKey: .maxTicketsPerCustomer)
        heldPerAddress = try container.decode(Setting<Int>.self, forKey: .heldPerAddress)
        cancellationCutoff = try container.decode(Setting<Date>.self, forKey: .cancellationCutoff)
        layoutMembers = [(CodingKeys.seatMap, "seat_map"), (.categories, "categories"), (.gaPools, "ga_pools")].filter { container.contains($0.0) }.map(\.1)
    }

    /// The event's details with this edit applied (checked by the engine as at creation).
    func applied(to details: EventDetails) throws(DomainError) -> EventDetails {
        if let name = layoutMembers.first {
            throw .invalid("\(name) cannot be changed after the event is made: the seat map, price categories and pools stay.")
        }
        var details = details
        details.title = title ?? details.title
        details.description = description ?? details.description
        details.venue = venue ?? details.venue
        details.startsAt = startsAt ?? details.startsAt
        details.salesStart = salesStart ?? details.salesStart
        details.salesEnd = salesEnd ?? details.salesEnd
        details.holdTTLSeconds = holdTtlSeconds ?? details.holdTTLSeconds
        details.maxTicketsPerBooking = maxTicketsPerBooking ?? details.maxTicketsPerBooking
        details.maxTicketsPerCustomer = maxTicketsPerCustomer.value(default: details.maxTicketsPerCustomer)
        details.heldPerAddress = heldPerAddress.value(default: details.heldPerAddress)
        details.cancellationCutoff = cancellationCutoff.value(default: details.cancellationCutoff)
        return details
    }
}
