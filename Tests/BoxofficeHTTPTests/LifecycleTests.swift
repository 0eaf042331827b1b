import BoxofficeTestSupport
import Foundation
import Hummingbird
import HummingbirdTesting
import Testing

@Suite("Hold lifecycle: expiry, release, restart")
struct LifecycleTests {
    static func event(ttl: Int) -> String {
        #"""
        {"title": "Short Holds", "venue": "Lab", "starts_at": "2030-01-01T20:00:00Z", "hold_ttl_seconds": \#(ttl),
         "categories": [{"id": "std", "price_minor": 500}],
         "seat_map": {"sections": [{"name": "Floor", "rows": [{"rows": "A", "seats": "1-4", "category": "std"}]}]},
         "ga_pools": [{"name": "Standing", "price_minor": 100, "capacity": 3}]}
        """#
    }

    @Test("an expired hold is back on sale within 2 seconds and its booking reads expired", arguments: TestBackend.all)
    func expiry(backend: TestBackend) async throws {
        let server = try await TestServer.make(backend)
        defer { server.remove() }
        try await server.run { client in
            let me = try await client.guest()
            let event = try await client.send(.post, "/api/events", json: Self.event(ttl: 1), headers: client.organizer)
            let eventID = try #require(event.object["id"] as? Int)
            let seat = try #require(event.object["first_seat_id"] as? Int)
            let pool = try #require((event.object["ga_pools"] as? [[String: Any]])?.first?["id"] as? Int)
            let hold = try await client.send(.post, "/api/bookings", json: #"{"event_id": \#(eventID), "seat_ids": [\#(seat)], "ga": [{"pool_id": \#(pool), "quantity": 3}], "user_identifier": "slow"}"#, headers: me.headers)
            #expect(hold.status == .created)
            let expiresAt = try #require((hold.object["expires_at"] as? String).flatMap { try? Date($0, strategy: .iso8601) })
            let id = try #require(hold.object["id"] as? String)

            var freedAt: Date?
            while Date() < expiresAt.addingTimeInterval(5) {
                let seats = try await client.send(.get, "/api/events/\(eventID)/seats")
                if seats.object["seats_available"] as? Int == 4 {
                    freedAt = Date()
                    break
                }
                try await Task.sleep(for: .milliseconds(100))
            }
            let freed = try #require(freedAt, "the hold never expired")
            // expires_at is rounded down to the second in JSON, so allow that second on top of the 2 s promise.
            #expect(freed.timeIntervalSince(expiresAt) < 3)
            let booking = try await client.send(.get, "/api/bookings/\(id)", headers: me.headers)
            #expect(booking.object["status"] as? String == "expired")
            let again = try await client.send(.post, "/api/bookings", json: #"{"event_id": \#(eventID), "ga": [{"pool_id": \#(pool), "quantity": 3}], "user_identifier": "next"}"#, headers: me.headers)
            #expect(again.status == .created, "the expired GA tickets are on sale again")
        }
    }

    @Test("releasing puts the seat back at once; releasing again is harmless", arguments: TestBackend.all)
    func release(backend: TestBackend) async throws {
        let server = try await TestServer.make(backend)
        defer { server.remove() }
        try await server.run { client in
            let me = try await client.guest()
            let hold = try await client.send(.post, "/api/bookings", json: #"{"event_id": 1, "seat_ids": [3, 4], "user_identifier": "carol"}"#, headers: me.headers)
            let id = try #require(hold.object["id"] as? String)
            #expect(hold.object["amount_minor"] as? Int == 20_000)
            let released = try await client.send(.post, "/api/bookings/\(id)/release", headers: me.headers)
            #expect(released.status == .ok)
            #expect(released.object["status"] as? String == "released")
            let again = try await client.send(.post, "/api/bookings/\(id)/release", headers: me.headers)
            #expect(again.status == .ok)
            let retake = try await client.send(.post, "/api/book/safe", json: #"{"seat_id": 4, "user_identifier": "dave"}"#)
            #expect(retake.status == .ok)
        }
    }

    @Test("an expired booking cannot be released", arguments: TestBackend.all)
    func releaseExpired(backend: TestBackend) async throws {
        let server = try await TestServer.make(backend)
        defer { server.remove() }
        try await server.run { client in
            let me = try await client.guest()
            let event = try await client.send(.post, "/api/events", json: Self.event(ttl: 1), headers: client.organizer)
            let seat = try #require(event.object["first_seat_id"] as? Int)
            let hold = try await client.send(.post, "/api/book/safe", json: #"{"seat_id": \#(seat), "user_identifier": "late"}"#, headers: me.headers)
            let id = try #require(hold.object["booking_id"] as? String)
            var status = ""
            for _ in 0 ..< 40 where status != "expired" {
                try await Task.sleep(for: .milliseconds(100))
                status = try await client.send(.get, "/api/bookings/\(id)", headers: me.headers).object["status"] as? String ?? ""
            }
            let release = try await client.send(.post, "/api/bookings/\(id)/release", headers: me.headers)
            #expect(release.status == .conflict)
            #expect(release.object["detail"] as? String == "Booking \(id) is expired and cannot be released.")
        }
    }

    @Test("a restart keeps every booking and hold, and adds no second set of demo events", arguments: TestBackend.all)
    func restart(backend: TestBackend) async throws {
        let server = try await TestServer.make(backend)
        defer { server.remove() }
        let (id, token) = try await server.run { client in
            let hold = try await client.send(.post, "/api/bookings", json: #"{"event_id": 2, "seat_ids": [60, 61], "ga": [{"pool_id": 1, "quantity": 2}], "user_identifier": "erin"}"#)
            #expect(hold.status == .created)
            return (hold.object["id"] as? String ?? "", hold.object["guest_token"] as? String ?? "")
        }
        try await server.run { client in
            // The guest's token, signed before the restart, still works: the signing key is kept in the data directory.
            let me: (headers: HTTPFields, id: String) = ([.authorization: "Bearer \(token)"], "")
            let events = try await client.send(.get, "/api/events")
            #expect(events.array.count == 2)
            let booking = try await client.send(.get, "/api/bookings/\(id)", headers: me.headers)
            #expect(booking.object["status"] as? String == "held")
            #expect(booking.object["seat_ids"] as? [Int] == [60, 61])
            let event = try await client.send(.get, "/api/events/2")
            #expect(event.object["seats_available"] as? Int == (event.object["seats_total"] as? Int ?? 0) - 2)
            #expect(((event.object["ga_pools"] as? [[String: Any]])?.first?["available"] as? Int) == 498)
            let taken = try await client.send(.post, "/api/book/safe", json: #"{"seat_id": 61, "user_identifier": "frank"}"#)
            #expect(taken.status == .conflict)
        }
    }
}
