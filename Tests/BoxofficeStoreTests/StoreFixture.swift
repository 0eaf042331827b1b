import BoxofficeDomain
import BoxofficePostgres
import BoxofficeSQLite
import BoxofficeTestSupport
import Foundation
import Logging
import PostgresNIO

/// A migrated store of either backend on a fresh database.
struct StoreFixture {
    let database: TestDatabase
    let store: any BookingStore
    /// Applies the migrations again.
    let migrate: @Sendable () async throws -> [Int]
    private let close: @Sendable () async throws -> Void

    static let now = Date(timeIntervalSince1970: 1_800_000_000)

    static func make(_ backend: TestBackend) async throws -> StoreFixture {
        let database = try await TestDatabase.make(backend)
        var logger = Logger(label: "test")
        logger.logLevel = .warning
        switch backend {
        case .sqlite:
            let file = try await SQLiteDatabaseFile.open(path: database.sqlitePath, logger: logger)
            let store = SQLiteBookingStore(database: file)
            try await store.migrate(logger: logger)
            let quiet = logger
            return StoreFixture(database: database, store: store, migrate: { try await store.migrate(logger: quiet) }, close: { try await file.close() })
        case .postgres:
            let client = PostgresClient(configuration: try PostgresSettings(url: database.url ?? "").clientConfiguration, backgroundLogger: logger)
            let running = Task { await client.run() }
            let store = PostgresBookingStore(client: client, timeout: .seconds(30), logger: logger)
            return StoreFixture(database: database, store: store, migrate: { try await store.migrate() }, close: { running.cancel() })
        }
    }

    /// Runs `body` on a fresh fixture and closes it afterwards, also when `body` throws.
    static func with(_ backend: TestBackend, _ body: (StoreFixture) async throws -> Void) async throws {
        let fixture = try await make(backend)
        do {
            try await body(fixture)
        } catch {
            try? await fixture.close()
            throw error
        }
        try await fixture.close()
    }

    private func close() async throws {
        try await close()
        database.remove()
    }

    /// A second store on the same database, as a second process would have; closed by `body`'s end.
    func sibling<Value: Sendable>(_ body: @Sendable (any BookingStore) async throws -> Value) async throws -> Value {
        var logger = Logger(label: "sibling")
        logger.logLevel = .warning
        switch database.backend {
        case .sqlite:
            let file = try await SQLiteDatabaseFile.open(path: database.sqlitePath, logger: logger)
            do {
                let value = try await body(SQLiteBookingStore(database: file))
                try await file.close()
                return value
            } catch {
                try await file.close()
                throw error
            }
        case .postgres:
            let client = PostgresClient(configuration: try PostgresSettings(url: database.url ?? "").clientConfiguration, backgroundLogger: logger)
            let running = Task { await client.run() }
            defer { running.cancel() }
            return try await body(PostgresBookingStore(client: client, timeout: .seconds(30), logger: logger))
        }
    }

    /// Rows A-B × seats 1-5 and a standing pool of 4.
    static func draft(customerCap: Int? = nil) throws -> EventDraft {
        try EventDraft(
            details: EventDetails(
                title: "Store Test", description: "d", venue: "v", startsAt: now.addingTimeInterval(86_400),
                salesStart: now.addingTimeInterval(-60), salesEnd: now.addingTimeInterval(3_600),
                holdTTLSeconds: 600, maxTicketsPerBooking: 6, maxTicketsPerCustomer: customerCap, currency: Currency("EUR")!
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
        .endHold(EndedHold(bookingID: booking.id, customer: booking.userIdentifier, seatIDs: booking.seatIDs, tickets: booking.tickets, status: status, at: now))
    }
}
