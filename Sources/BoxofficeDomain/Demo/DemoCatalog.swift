import Foundation

/// The events a new installation starts with, so a newcomer has something to book at once.
public enum DemoCatalog {
    /// The seed's concert: 5 rows × 10 seats at 100.00, on sale now.
    public static func concert(now: Date) -> EventDraft {
        // The literal layout is valid by construction; a failure here is a programming error.
        try! EventDraft(
            details: details(title: "Evening Concert", venue: "Club Stage", daysAhead: 30, now: now,
                             description: "The seed's concert: five rows of ten seats."),
            categories: [PriceCategory(key: "standard", name: "Standard", priceMinor: 10_000)],
            seatMap: SeatMapSpec(sections: [
                .init(name: "Hall", rows: [.block(rows: "1-5", seats: "1-10", category: "standard")]),
            ]),
            gaPools: []
        )
    }

    /// A bigger hall: 2,020 seats in three sections and a standing pool of 500.
    public static func grandHall(now: Date) -> EventDraft {
        try! EventDraft(
            details: details(title: "Symphony Night", venue: "Grand Hall", daysAhead: 45, now: now,
                             description: "A large hall with stalls, two balconies and a standing area."),
            categories: [
                PriceCategory(key: "premium", name: "Premium", priceMinor: 12_000),
                PriceCategory(key: "stalls", name: "Stalls", priceMinor: 8_000),
                PriceCategory(key: "balcony", name: "Balcony", priceMinor: 4_500),
            ],
            seatMap: SeatMapSpec(sections: [
                .init(name: "Stalls", rows: [
                    .block(rows: "A-E", seats: "1-50", category: "premium"),
                    .block(rows: "F-Z", seats: "1-50", category: "stalls"),
                ]),
                .init(name: "Left Balcony", rows: [.block(rows: "A-L", seats: "1-30", category: "balcony")]),
                .init(name: "Right Balcony", rows: [.block(rows: "A-L", seats: "1-30", category: "balcony")]),
            ]),
            gaPools: [EventDraft.Pool(name: "Standing", priceMinor: 3_000, capacity: 500)]
        )
    }

    private static func details(title: String, venue: String, daysAhead: Double, now: Date, description: String) -> EventDetails {
        let start = now.addingTimeInterval(daysAhead * 86_400)
        return EventDetails(
            title: title, description: description, venue: venue, startsAt: start,
            salesStart: now.addingTimeInterval(-60), salesEnd: start, holdTTLSeconds: 600, maxTicketsPerBooking: 10,
            maxTicketsPerCustomer: 10, currency: Currency("EUR")!
        )
    }
}
