import BoxofficeDomain
import BoxofficeEngine
import BoxofficeTestSupport
import Foundation
import PropertyBased
import Testing

/// Best available through the engine onto a real database: what the engine answers is what is stored.
@Suite("Best available on SQLite and PostgreSQL")
struct BestAvailableStoreTests {
    /// A hall of `rows` rows of seat counts, in one section.
    static func hall(_ rows: [Int], orphanRule: OrphanRule) throws -> EventDraft {
        try EventDraft(
            details: EventDetails(
                title: "Random", description: "", venue: "Hall", startsAt: Date().addingTimeInterval(86_400), salesStart: Date().addingTimeInterval(-60),
                salesEnd: Date().addingTimeInterval(3_600), holdTTLSeconds: 600, maxTicketsPerBooking: 4, currency: Currency("EUR")!, orphanRule: orphanRule
            ),
            categories: [PriceCategory(key: "std", name: "Standard", priceMinor: 1_000)],
            seatMap: SeatMapSpec(sections: [.init(name: "Hall", rows: rows.enumerated().map { .block(rows: "\($0.offset + 1)", seats: "1-\($0.element)", category: "std") })]),
            gaPools: []
        )
    }

    @Test("random halls, concurrent choosers and pickers: every answer stored as given, no seat twice, groups side by side", arguments: TestBackend.all)
    func randomHalls(backend: TestBackend) async throws {
        try await FlowHarness.with(backend) { harness in
            await propertyCheck(count: 12, input: Gen.int(in: 1 ... 8).array(of: 1 ... 4), Gen.int(in: 0 ... 2)) { rowCounts, rule in
                let rows = rowCounts.map { $0 * 2 }
                let event = try await harness.engine.createEvent(Self.hall(rows, orphanRule: OrphanRule.allCases[rule]))
                let seats = rows.reduce(0, +)
                let answers = try await withThrowingTaskGroup(of: [(Booking, Bool)].self) { group in
                    for buyer in 0 ..< 8 {
                        group.addTask {
                            var won: [(Booking, Bool)] = []
                            for attempt in 0 ..< 4 {
                                let together = (buyer + attempt) % 2 == 0
                                let request = attempt == 3
                                    ? HoldRequest(eventID: event.id, seatIDs: [event.seatID(at: (buyer * 7 + attempt) % seats)], tickets: [], userIdentifier: "b\(buyer)")
                                    : HoldRequest(eventID: event.id, seatIDs: [], tickets: [], userIdentifier: "b\(buyer)",
                                                  bestAvailable: BestAvailableRequest(quantity: 1 + (buyer + attempt) % 3, together: together))
                                do {
                                    won.append((try await harness.engine.hold(request), request.bestAvailable?.together ?? false))
                                } catch DomainError.notEnoughSeats {
                                    continue
                                } catch DomainError.seatsTaken where request.bestAvailable == nil {
                                    // A picked seat someone else won; a chosen seat is never refused so.
                                    continue
                                }
                            }
                            return won
                        }
                    }
                    return try await group.reduce(into: [(Booking, Bool)]()) { $0 += $1 }
                }
                let stored = try await harness.database.rows("SELECT CAST(id AS TEXT), seat_ids FROM bookings WHERE event_id = \(event.id.rawValue)")
                let storedSeats = Dictionary(uniqueKeysWithValues: stored.map { ($0[0] ?? "", ($0[1] ?? "").split(separator: ",").compactMap { Int64($0) }.sorted()) })
                #expect(storedSeats.count == answers.count, "\(answers.count) holds answered, \(storedSeats.count) stored")
                var taken = Set<Int64>()
                for (booking, together) in answers {
                    let mine = booking.seatIDs.map(\.rawValue).sorted()
                    #expect(storedSeats[booking.id.description] == mine, "booking \(booking.id) answered \(mine), stored \(storedSeats[booking.id.description] ?? [])")
                    #expect(mine.allSatisfy { taken.insert($0).inserted }, "a seat in two bookings: \(mine)")
                    if together { #expect(event.seatMap.together(mine.compactMap { event.seatIndex(of: SeatID(rawValue: $0)) }), "\(mine) not side by side") }
                }
            }
        }
    }
}
