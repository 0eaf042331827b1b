import BoxofficeDomain
import Foundation

/// `PATCH /api/events/{id}`: the facts to change; a field left out stays as it is, `null` clears a nullable one.
/// `categories` and `ga_pools` change prices only (`[{"id", "price_minor"}]`); `seat_map` replaces the seat map, as
/// ``SeatMapEdit`` allows, in a request of its own or with other facts, but not with prices.
struct UpdateEventRequest: Decodable {
    /// A category's or pool's new price: its id and `price_minor`, nothing else.
    struct PriceChange<ID: Decodable & Sendable>: Decodable {
        let id: ID
        let priceMinor: Int64

        private struct Key: CodingKey {
            var stringValue: String
            var intValue: Int? { nil }
            init(stringValue: String) { self.stringValue = stringValue }
            init?(intValue: Int) { nil }
        }

        init(from decoder: any Decoder) throws {
            let container = try decoder.container(keyedBy: Key.self)
            if let other = container.allKeys.first(where: { !["id", "price_minor", "priceMinor"].contains($0.stringValue) }) {
                throw DecodingError.dataCorruptedError(
                    forKey: other, in: container, debugDescription: "only a price can change after the event is made: give id and price_minor"
                )
            }
            id = try container.decode(ID.self, forKey: Key(stringValue: "id"))
            let price = container.contains(Key(stringValue: "price_minor")) ? Key(stringValue: "price_minor") : Key(stringValue: "priceMinor")
            priceMinor = try container.decode(Int64.self, forKey: price)
        }
    }

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
    /// The new seat map, as at creation.
    let seatMap: CreateEventRequest.SeatMap?
    /// New prices of categories (by key) and pools.
    let prices: PriceEdit

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
        seatMap = try container.decodeIfPresent(CreateEventRequest.SeatMap.self, forKey: .seatMap)
        let categories = try container.decodeIfPresent([PriceChange<String>].self, forKey: .categories) ?? []
        let pools = try container.decodeIfPresent([PriceChange<Int64>].self, forKey: .gaPools) ?? []
        prices = PriceEdit(
            categories: Dictionary(categories.map { ($0.id, $0.priceMinor) }, uniquingKeysWith: { _, last in last }),
            pools: Dictionary(pools.map { (PoolID(rawValue: $0.id), $0.priceMinor) }, uniquingKeysWith: { _, last in last })
        )
    }

    /// The new seat map for `event`, if the body gives one.
    /// - Throws: ``DomainError/invalid(_:)`` for a map that breaks a rule, or one given with new prices (each is refused
    ///   for what is held or sold, so one request changes only one of them: a refusal then changes nothing).
    func seatMapEdit(for event: Event) throws(DomainError) -> SeatMapEdit? {
        guard let seatMap else { return nil }
        guard prices.isEmpty else {
            throw .invalid("seat_map and new prices (categories, ga_pools) are changed in separate requests.")
        }
        return try SeatMapEdit(SeatMapSpec(sections: seatMap.sections.map(\.spec)), for: event)
    }

    /// The event's details with this edit applied (checked by the engine as at creation).
    func applied(to details: EventDetails) throws(DomainError) -> EventDetails {
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
