import BoxofficeTestSupport
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Testing

@Suite("Best available over HTTP")
struct BestAvailableHTTPTests {
    @Test("three seats chosen side by side; a storm of choosers and pickers sells the concert without a seat twice", arguments: TestBackend.all)
    func chooseAndStorm(backend: TestBackend) async throws {
        let server = try await TestServer.make(backend)
        defer { server.remove() }
        try await server.run { client in
            let ann = try await client.guest()
            let three = try await client.send(.post, "/api/bookings", json: #"{"event_id": 1, "best_available": {"quantity": 3}}"#, headers: ann.headers)
            #expect(three.status == .created)
            let seats = (three.object["seat_ids"] as? [Int] ?? []).sorted()
            #expect(seats.count == 3 && seats.last! - seats.first! == 2 && three.object["together"] as? Bool == true, "\(three.text)")
            // The demo concert: 5 rows of 10; the best three of a fresh hall are the front row's centre.
            #expect(seats == [4, 5, 6] || seats == [5, 6, 7], "\(seats)")

            let outcomes = try await withThrowingTaskGroup(of: (Int, [Int]).self) { group in
                for buyer in 0 ..< 30 {
                    group.addTask {
                        let body = buyer % 3 == 0
                            ? #"{"event_id": 1, "seat_ids": [\#(1 + buyer % 50)]}"#
                            : #"{"event_id": 1, "best_available": {"quantity": \#(1 + buyer % 4), "together": \#(buyer % 2 == 0)}}"#
                        let answer = try await client.send(.post, "/api/bookings", json: body)
                        return (answer.status.code, answer.object["seat_ids"] as? [Int] ?? [])
                    }
                }
                return try await group.reduce(into: [(Int, [Int])]()) { $0.append($1) }
            }
            let won = outcomes.filter { $0.0 == 201 }.flatMap(\.1) + seats
            #expect(Set(won).count == won.count, "a seat answered twice: \(won.sorted())")
            #expect(outcomes.allSatisfy { [201, 409].contains($0.0) }, "\(outcomes.map(\.0))")
            let check = try await InventoryCheck.run(server.database)
            #expect(check.violations.isEmpty, "\(check.violations)")
            let event = try await client.send(.get, "/api/events/1")
            #expect(event.object["seats_available"] as? Int == 50 - won.count)
        }
    }

    @Test("bad requests are 422 and change nothing; nothing left together is 409 naming what is left", arguments: TestBackend.all)
    func refusals(backend: TestBackend) async throws {
        let server = try await TestServer.make(backend)
        defer { server.remove() }
        try await server.run { client in
            let ann = try await client.guest()
            for body in [
                #"{"event_id": 1, "best_available": {"quantity": 0}}"#,
                #"{"event_id": 1, "best_available": {"quantity": 11}}"#,
                #"{"event_id": 1, "best_available": {"quantity": 2, "categories": ["nope"]}}"#,
                #"{"event_id": 1, "best_available": {"quantity": 2, "sections": ["Roof"]}}"#,
                #"{"event_id": 1, "best_available": {"quantity": 2, "accessible": 1}}"#,
                #"{"event_id": 1, "best_available": {"quantity": 2}, "seat_ids": [3]}"#,
                #"{"event_id": 1, "best_available": {"quantity": "two"}}"#,
            ] {
                let answer = try await client.send(.post, "/api/bookings", json: body, headers: ann.headers)
                #expect(answer.status.code == 422 || answer.status.code == 400, "\(body): \(answer.status) \(answer.text)")
            }
            #expect(try await client.send(.get, "/api/bookings", headers: ann.headers).array.isEmpty)
            // Take every other seat: nothing two side by side is left.
            for seat in stride(from: 1, through: 50, by: 2) {
                #expect(try await client.send(.post, "/api/book/safe", json: #"{"seat_id": \#(seat)}"#).status == .ok)
            }
            let refused = try await client.send(.post, "/api/bookings", json: #"{"event_id": 1, "best_available": {"quantity": 2}}"#, headers: ann.headers)
            #expect(refused.status == .conflict && refused.object["type"] as? String == "https://boxoffice.dev/problems/not-enough-seats")
            #expect((refused.object["detail"] as? String)?.contains("only 1 together remain") == true, "\(refused.text)")
            let apart = try await client.send(.post, "/api/bookings", json: #"{"event_id": 1, "best_available": {"quantity": 2, "together": false}}"#, headers: ann.headers)
            #expect(apart.status == .created && apart.object["together"] as? Bool == false, "\(apart.text)")
        }
    }
}
