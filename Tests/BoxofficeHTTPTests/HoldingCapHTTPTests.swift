import BoxofficeApp
@testable import BoxofficeHTTP
import BoxofficeTestSupport
import Foundation
import Hummingbird
import HummingbirdTesting
import Testing

/// What one buyer, and one address, may hold of an event, over HTTP.
@Suite("Holding caps over HTTP")
struct HoldingCapHTTPTests {
    static let eventJSON = #"""
    {"title": "Capped", "venue": "Hall", "starts_at": "2031-01-01T20:00:00Z", "sales_start": "2020-01-01T00:00:00Z",
     "categories": [{"id": "all", "price_minor": 1000}], "max_tickets_per_customer": 4, "held_per_address": 9,
     "seat_map": {"sections": [{"name": "Hall", "rows": [{"rows": "A-C", "seats": "1-10", "category": "all"}]}]},
     "ga_pools": [{"name": "Standing", "price_minor": 500, "capacity": 50}]}
    """#

    @Test("a customer past the cap gets 409 naming it; an address past its cap 429 with Retry-After, on both paths; both in the event", arguments: TestBackend.all)
    func caps(backend: TestBackend) async throws {
        let server = try await TestServer.make(backend)
        defer { server.remove() }
        try await server.runOverSockets { client, _ in
            let event = try await client.send(.post, "/api/events", json: Self.eventJSON, headers: client.organizer).object
            let id = try #require(event["id"] as? Int)
            let first = try #require(event["first_seat_id"] as? Int)
            let pool = try #require((event["ga_pools"] as? [[String: Any]])?.first?["id"] as? Int)
            #expect(event["max_tickets_per_customer"] as? Int == 4 && event["held_per_address"] as? Int == 9)

            let ann = try await client.guest()
            let held = try await client.send(.post, "/api/bookings", json: #"{"event_id": \#(id), "seat_ids": [\#(first), \#(first + 1)], "ga": [{"pool_id": \#(pool), "quantity": 1}]}"#, headers: ann.headers)
            #expect(held.status == .created)
            let over = try await client.send(.post, "/api/bookings", json: #"{"event_id": \#(id), "seat_ids": [\#(first + 2), \#(first + 3)]}"#, headers: ann.headers)
            #expect(over.status == .conflict && (over.object["type"] as? String)?.hasSuffix("/ticket-limit-reached") == true, "\(over.text)")
            #expect((over.object["detail"] as? String)?.contains("at most 4 tickets") == true)
            let safe = try await client.send(.post, "/api/book/safe", json: #"{"seat_id": \#(first + 2)}"#, headers: ann.headers)
            #expect(safe.status == .ok, "the fourth ticket fits")
            let fifth = try await client.send(.post, "/api/book/safe", json: #"{"seat_id": \#(first + 3)}"#, headers: ann.headers)
            #expect(fifth.status == .conflict, "on the event loop's path too: \(fifth.text)")

            // Anonymous holds mint a guest each, but the address they come from holds at most 9 tickets.
            var statuses: [HTTPResponse.Status] = []
            var retryAfter: String?
            for seat in first + 10 ..< first + 16 {
                let reply = try await client.send(.post, "/api/book/safe", json: #"{"seat_id": \#(seat)}"#)
                statuses.append(reply.status)
                if reply.status == .tooManyRequests { retryAfter = reply.headers[.retryAfter] }
            }
            #expect(statuses == [.ok, .ok, .ok, .ok, .ok, .tooManyRequests], "4 of ann + 5 anonymous = 9 from this address")
            #expect(retryAfter.flatMap(Int.init).map { (500 ... 600).contains($0) } == true, "until the address's first hold ends: \(retryAfter ?? "none")")
            let routed = try await client.send(.post, "/api/bookings", json: #"{"event_id": \#(id), "seat_ids": [\#(first + 20)]}"#)
            #expect(routed.status == .tooManyRequests && routed.headers[.retryAfter] != nil)
        }
    }
}
