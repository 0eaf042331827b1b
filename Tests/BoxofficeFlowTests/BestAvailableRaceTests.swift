import BoxofficeDomain
import BoxofficeEngine
import BoxofficePostgres
import BoxofficeTestSupport
import Foundation
import Logging
import PostgresNIO
import Testing

/// Best available in two booking instances on one PostgreSQL: each instance chooses in its own memory, the database's
/// claims decide, and an instance that loses a claim reads again and chooses once more.
@Suite("Best available across two instances on one database")
struct BestAvailableRaceTests {
    static func hall() throws -> EventDraft {
        try EventDraft(
            details: EventDetails(
                title: "Race", description: "", venue: "Hall", startsAt: Date().addingTimeInterval(86_400), salesStart: Date().addingTimeInterval(-60),
                salesEnd: Date().addingTimeInterval(3_600), holdTTLSeconds: 600, maxTicketsPerBooking: 4, currency: Currency("EUR")!
            ),
            categories: [PriceCategory(key: "std", name: "Standard", priceMinor: 1_000)],
            seatMap: SeatMapSpec(sections: [.init(name: "Hall", rows: [.block(rows: "1-6", seats: "1-20", category: "std")])]),
            gaPools: []
        )
    }

    @Test("best-available and picked holds racing on two instances to sold out: no seat twice, every allocation stored as answered",
          .enabled(if: TestBackend.all.contains(.postgres)))
    func race() async throws {
        let database = try await TestDatabase.make(.postgres)
        defer { database.remove() }
        var logger = Logger(label: "race")
        logger.logLevel = .critical
        let settings = try PostgresSettings(url: database.url ?? "")
        let clients = (0 ..< 2).map { _ in PostgresClient(configuration: settings.clientConfiguration, backgroundLogger: logger) }
        let running = clients.map { client in Task { await client.run() } }
        defer { for task in running { task.cancel() } }
        let stores = clients.map { PostgresBookingStore(client: $0, timeout: .seconds(10), logger: logger) }
        try await stores[0].migrate()
        let event = try await stores[0].createEvent(try Self.hall())
        let engines = stores.map { BookingEngine(store: $0, logger: logger) }
        for engine in engines { try await engine.start() }

        // Each worker returns what it won and how often a split was refused while many seats were left.
        let results = try await withThrowingTaskGroup(of: ([BookingID: Set<Int64>], Int).self) { group in
            for worker in 0 ..< 12 {
                group.addTask {
                    let engine = engines[worker % 2]
                    var won: [BookingID: Set<Int64>] = [:]
                    var refusedWithSeatsLeft = 0
                    for attempt in 0 ..< 30 {
                        let quantity = 1 + (worker + attempt) % 4
                        let together = attempt % 2 == 0
                        let request = attempt % 3 == 0
                            ? HoldRequest(eventID: event.id, seatIDs: [event.seatID(at: Int.random(in: 0 ..< 120))], tickets: [], userIdentifier: "w\(worker)")
                            : HoldRequest(eventID: event.id, seatIDs: [], tickets: [], userIdentifier: "w\(worker)",
                                          bestAvailable: BestAvailableRequest(quantity: quantity, together: together))
                        do {
                            let booking = try await engine.hold(request)
                            won[booking.id] = Set(booking.seatIDs.map(\.rawValue))
                        } catch DomainError.notEnoughSeats(let detail) {
                            // Refused apart: fewer seats than asked were left, but for what the other workers hold in flight —
                            // or the engine's choice lost to the other instance twice, which the engine may answer so.
                            guard request.bestAvailable != nil, !together, !detail.contains("at the same moment") else { continue }
                            let free = try await database.count("SELECT CAST(120 - COUNT(*) AS TEXT) FROM seat_claims")
                            if free >= quantity + 4 * 12 { refusedWithSeatsLeft += 1 }
                        } catch DomainError.seatsTaken where request.bestAvailable == nil {
                            // A picked seat someone else won; a chosen seat is never refused so.
                            continue
                        }
                    }
                    return (won, refusedWithSeatsLeft)
                }
            }
            return try await group.reduce(into: [([BookingID: Set<Int64>], Int)]()) { $0.append($1) }
        }
        let answered = results.reduce(into: [BookingID: Set<Int64>]()) { $0.merge($1.0) { first, _ in first } }
        let refusedWithSeatsLeft = results.reduce(0) { $0 + $1.1 }
        let stored = try await database.rows("SELECT CAST(id AS TEXT), seat_ids FROM bookings WHERE status = 'held'")
        var seen = Set<Int64>()
        var doubles: [Int64] = []
        for row in stored {
            for seat in (row[1] ?? "").split(separator: ",").compactMap({ Int64($0) }) where !seen.insert(seat).inserted { doubles.append(seat) }
        }
        #expect(doubles.isEmpty, "seats in two bookings: \(doubles)")
        let storedByID = Dictionary(uniqueKeysWithValues: stored.map { ($0[0] ?? "", Set(($0[1] ?? "").split(separator: ",").compactMap { Int64($0) })) })
        #expect(answered.count == stored.count, "\(answered.count) holds answered, \(stored.count) stored")
        for (id, seats) in answered { #expect(storedByID[id.description] == seats, "booking \(id) answered \(seats.sorted()), stored \(storedByID[id.description]?.sorted() ?? [])") }
        #expect(try await database.count("SELECT CAST(COUNT(*) AS TEXT) FROM seat_claims") == seen.count)
        #expect(refusedWithSeatsLeft == 0, "a split request was refused while many seats were left")
        #expect(seen.count > 90, "the race sold most of the hall (\(seen.count) of 120)")
    }
}
