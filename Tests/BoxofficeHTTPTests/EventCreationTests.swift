import BoxofficeTestSupport
import Foundation
import Hummingbird
import HummingbirdTesting
import Testing

@Suite("Organizers create events")
struct EventCreationTests {
    static let event = #"""
    {"title": "Chamber Music", "description": "Strings", "venue": "Small Hall", "starts_at": "2030-05-01T19:00:00Z",
     "sales_start": "2020-01-01T00:00:00Z", "sales_end": "2030-05-01T18:00:00Z", "hold_ttl_seconds": 300,
     "max_tickets_per_booking": 4, "currency": "gbp",
     "categories": [{"id": "front", "name": "Front", "price_minor": 6000}, {"id": "back", "name": "Back", "price_minor": 3000}],
     "seat_map": {"sections": [
        {"name": "Parterre", "rows": [
            {"label": "A", "seats": [{"number": 1, "category": "front"}, {"number": 2, "category": "back"}, {"number": 4, "category": "front"}]},
            {"rows": "B-C", "seats": "1-5", "category": "back"}]},
        {"name": "Gallery", "rows": [{"rows": "1-2", "seats": "10-12", "category": "back"}]}]},
     "ga_pools": [{"name": "Standing", "price_minor": 1500, "capacity": 40}]}
    """#

    @Test("an event with listed rows, compact blocks and a GA pool is created and readable", arguments: TestBackend.all)
    func create(backend: TestBackend) async throws {
        let server = try await TestServer.make(backend)
        defer { server.remove() }
        try await server.run { client in
            let created = try await client.send(.post, "/api/events", json: Self.event, headers: client.organizer)
            #expect(created.status == .created)
            let id = try #require(created.object["id"] as? Int)
            #expect(created.headers[.location] == "/api/events/\(id)")
            #expect(created.object["seats_total"] as? Int == 19)
            #expect(created.object["currency"] as? String == "GBP")
            #expect(created.object["hold_ttl_seconds"] as? Int == 300)

            let shown = try await client.send(.get, "/api/events/\(id)")
            #expect(shown.object["title"] as? String == "Chamber Music")
            #expect((shown.object["sections"] as? [[String: Any]])?.map { $0["seats"] as? Int } == [13, 6])

            let map = try await client.send(.get, "/api/events/\(id)/seats")
            let sections = try #require(map.object["sections"] as? [[String: Any]])
            let rowA = try #require((sections[0]["rows"] as? [[String: Any]])?.first)
            #expect(rowA["numbers"] as? String == "1-2,4")
            #expect(rowA["categories"] as? String == "010")
            #expect(rowA["category"] == nil)
            let gallery = try #require((sections[1]["rows"] as? [[String: Any]])?.last)
            #expect(gallery["label"] as? String == "2")
            #expect(gallery["numbers"] as? String == "10-12")
            #expect(gallery["first_seat_id"] as? Int == (created.object["first_seat_id"] as? Int ?? 0) + 16)

            let firstSeat = try #require(created.object["first_seat_id"] as? Int)
            let booking = try await client.send(.post, "/api/bookings", json: #"{"event_id": \#(id), "seat_ids": [\#(firstSeat), \#(firstSeat + 1)], "ga": [{"pool_id": \#((created.object["ga_pools"] as? [[String: Any]])?.first?["id"] as? Int ?? 0), "quantity": 2}], "user_identifier": "gina"}"#)
            #expect(booking.status == .created)
            #expect(booking.object["amount_minor"] as? Int == 6000 + 3000 + 2 * 1500)
            #expect(booking.object["currency"] as? String == "GBP")
        }
    }

    @Test("holds before the sales window opens are refused with 409", arguments: TestBackend.all)
    func salesNotOpen(backend: TestBackend) async throws {
        let server = try await TestServer.make(backend)
        defer { server.remove() }
        try await server.run { client in
            let future = Self.event.replacingOccurrences(of: "2020-01-01T00:00:00Z", with: "2030-01-01T00:00:00Z")
            let created = try await client.send(.post, "/api/events", json: future, headers: client.organizer)
            let seat = try #require(created.object["first_seat_id"] as? Int)
            let hold = try await client.send(.post, "/api/book/safe", json: #"{"seat_id": \#(seat), "user_identifier": "early"}"#)
            #expect(hold.status == .conflict)
            #expect((hold.object["detail"] as? String)?.hasPrefix("Sales for \"Chamber Music\" open at") == true)
        }
    }
}
