import BoxofficeDomain
import BoxofficeSQLite
import Foundation
import Logging

/// A migrated store in a fresh temporary directory.
struct StoreFixture {
    let directory: URL
    let database: SQLiteDatabaseFile
    let store: SQLiteBookingStore

    static let now = Date(timeIntervalSince1970: 1_800_000_000)

    static func make() async throws -> StoreFixture {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("boxoffice-store-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let database = try await SQLiteDatabaseFile.open(path: directory.appendingPathComponent("booking.sqlite").path, logger: Logger(label: "test"))
        let store = SQLiteBookingStore(database: database)
        try await store.migrate(logger: Logger(label: "test"))
        return StoreFixture(directory: directory, database: database, store: store)
    }

    func close() async throws {
        try await database.close()
        try? FileManager.default.removeItem(at: directory)
    }

    /// Rows A-B × seats 1-5 and a standing pool of 4.
    static func draft() throws -> EventDraft {
        try EventDraft(
            details: EventDetails(
                title: "Store Test", description: "d", venue: "v", startsAt: now.addingTimeInterval(86_400),
                salesStart: now.addingTimeInterval(-60), salesEnd: now.addingTimeInterval(3_600),
                holdTTLSeconds: 600, maxTicketsPerBooking: 6, currency: Currency("EUR")!
            ),
            categories: [PriceCategory(key: "std", name: "Standard", priceMinor: 2_500)],
            seatMap: SeatMapSpec(sections: [.init(name: "Hall", rows: [.block(rows: "A-B", seats: "1-5", category: "std")])]),
            gaPools: [EventDraft.Pool(name: "Standing", priceMinor: 1_000, capacity: 4)]
        )
    }

    static func booking(_ event: Event, seats: [Int] = [], ga: Int = 0) -> Booking {
        Booking(
            id: .random(), eventID: event.id, status: .held, seatIDs: seats.map(event.seatID(at:)),
            tickets: ga > 0 ? [TicketQuantity(poolID: event.gaPools[0].id, quantity: ga)] : [],
            amountMinor: 100, currency: Currency("EUR")!, userIdentifier: "tester",
            expiresAt: now.addingTimeInterval(600), createdAt: now
        )
    }

    static func ended(_ booking: Booking, as status: BookingStatus = .released) -> InventoryChange {
        .endHold(EndedHold(bookingID: booking.id, seatIDs: booking.seatIDs, tickets: booking.tickets, status: status, at: now))
    }
}
