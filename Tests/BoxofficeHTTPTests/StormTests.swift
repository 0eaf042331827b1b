import BoxofficeTestSupport
import Foundation
import Hummingbird
import HummingbirdTesting
import Testing

@Suite("A storm of overlapping bookings")
struct StormTests {
    /// 4 rows × 10 seats and a standing pool of 30: far fewer tickets than the storm asks for.
    static let smallEvent = #"""
    {"title": "Storm", "venue": "Tiny Club", "starts_at": "2030-01-01T20:00:00Z", "max_tickets_per_booking": 6,
     "categories": [{"id": "std", "price_minor": 2500}],
     "seat_map": {"sections": [{"name": "Floor", "rows": [{"rows": "A-D", "seats": "1-10", "category": "std"}]}]},
     "ga_pools": [{"name": "Standing", "price_minor": 1000, "capacity": 30}]}
    """#

    @Test("1,200 concurrent requests never double-book a seat or overfill a pool, and every 201 is stored", arguments: TestBackend.all)
    func storm(backend: TestBackend) async throws {
        let server = try await TestServer.make(backend)
        defer { server.remove() }
        let answers = try await server.run { client in
            let event = try await client.send(.post, "/api/events", json: Self.smallEvent, headers: client.organizer)
            let eventID = try #require(event.object["id"] as? Int)
            let firstSeat = try #require(event.object["first_seat_id"] as? Int)
            let pool = try #require((event.object["ga_pools"] as? [[String: Any]])?.first?["id"] as? Int)
            return try await withThrowingTaskGroup(of: (HTTPResponse.Status, String?, [Int]).self) { group in
                for index in 0 ..< 1_200 {
                    var random = SeededRandom(seed: UInt64(index))
                    let start = Int.random(in: 0 ..< 38, using: &random)
                    let seats = index % 4 == 3 ? [] : Array(start ..< start + Int.random(in: 1 ... 3, using: &random)).map { $0 + firstSeat }
                    let quantity = index % 3 == 0 ? Int.random(in: 1 ... 3, using: &random) : 0
                    let ga = quantity > 0 || seats.isEmpty ? #"[{"pool_id": \#(pool), "quantity": \#(max(quantity, 1))}]"# : "[]"
                    let body = #"{"event_id": \#(eventID), "seat_ids": \#(seats), "ga": \#(ga), "user_identifier": "buyer-\#(index)"}"#
                    group.addTask {
                        let reply = try await client.send(.post, "/api/bookings", json: body)
                        return (reply.status, reply.object["id"] as? String, reply.object["seat_ids"] as? [Int] ?? [])
                    }
                }
                return try await group.reduce(into: [(HTTPResponse.Status, String?, [Int])]()) { $0.append($1) }
            }
        }
        let created = answers.filter { $0.0 == .created }
        #expect(answers.count == 1_200)
        #expect(answers.allSatisfy { $0.0 == .created || $0.0 == .conflict }, "only 201 and 409: \(Set(answers.map(\.0.code)))")
        #expect(created.count > 10)

        let check = try await InventoryCheck.run(server.database)
        #expect(check.violations.isEmpty, "\(check.violations)")
        for (_, id, seats) in created {
            let stored = check.bookings[id ?? ""]
            #expect(stored?.status == "held")
            #expect(stored?.seats.map(Int.init) == seats)
        }
        #expect(check.bookings.count == created.count, "no booking stored without a 201")
    }
}

/// A small deterministic generator so a failing storm can be replayed.
struct SeededRandom: RandomNumberGenerator {
    private var state: UInt64

    init(seed: UInt64) {
        state = seed &+ 0x9E37_79B9_7F4A_7C15
    }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var mixed = state
        mixed = (mixed ^ (mixed >> 30)) &* 0xBF58_476D_1CE4_E5B9
        mixed = (mixed ^ (mixed >> 27)) &* 0x94D0_49BB_1331_11EB
        return mixed ^ (mixed >> 31)
    }
}
