import BoxofficeDomain
import Foundation

/// Small events for rule tests.
enum Fixtures {
    static let now = Date(timeIntervalSince1970: 1_800_000_000)

    static func details(ttl: Int = 600, maxTickets: Int = 6) -> EventDetails {
        EventDetails(
            title: "Test Gig", description: "", venue: "Test Hall", startsAt: now.addingTimeInterval(86_400),
            salesStart: now.addingTimeInterval(-3_600), salesEnd: now.addingTimeInterval(3_600),
            holdTTLSeconds: ttl, maxTicketsPerBooking: maxTickets, currency: Currency("EUR")!
        )
    }

    /// Rows A-B × seats 1-5 (10 seats, ids 101…110), row A premium, and a GA pool of 5 (id 7).
    static func event(ttl: Int = 600, maxTickets: Int = 6) throws -> Event {
        let draft = try EventDraft(
            details: details(ttl: ttl, maxTickets: maxTickets),
            categories: [PriceCategory(key: "premium", name: "Premium", priceMinor: 5_000), PriceCategory(key: "std", name: "Standard", priceMinor: 2_000)],
            seatMap: SeatMapSpec(sections: [.init(name: "Floor", rows: [
                .block(rows: "A", seats: "1-5", category: "premium"),
                .block(rows: "B", seats: "1-5", category: "std"),
            ])]),
            gaPools: [EventDraft.Pool(name: "Standing", priceMinor: 1_500, capacity: 5)]
        )
        return Event(
            id: EventID(rawValue: 1), details: draft.details, categories: draft.categories, seatMap: draft.seatMap,
            firstSeatID: SeatID(rawValue: 101), gaPools: [GAPool(id: PoolID(rawValue: 7), name: "Standing", priceMinor: 1_500, capacity: 5)]
        )
    }

    static func seat(_ id: Int64) -> SeatID { SeatID(rawValue: id) }

    static func request(seats: [Int64] = [], ga: Int = 0, user: String = "alice") -> HoldRequest {
        HoldRequest(
            eventID: EventID(rawValue: 1), seatIDs: seats.map(seat),
            tickets: ga > 0 ? [TicketQuantity(poolID: PoolID(rawValue: 7), quantity: ga)] : [], userIdentifier: user
        )
    }
}
