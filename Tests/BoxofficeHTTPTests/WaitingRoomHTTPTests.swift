import BoxofficeTestSupport
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Testing

@Suite("Waiting rooms over HTTP")
struct WaitingRoomHTTPTests {
    static let queuePass = HTTPField.Name("Queue-Pass")!

    /// Reads the caller's place until the cursor reaches it (the server moves cursors once a second).
    static func admitted(_ client: some TestClientProtocol, event: Int, headers: HTTPFields) async throws -> [String: Any] {
        for _ in 0 ..< 40 {
            let place = try await client.send(.get, "/api/events/\(event)/queue/me", headers: headers).object
            if place["state"] as? String == "admitted" { return place }
            try await Task.sleep(for: .milliseconds(250))
        }
        return [:]
    }

    @Test("behind a waiting room every hold needs its holder's pass, on the router and the event loop alike", arguments: TestBackend.all)
    func passes(backend: TestBackend) async throws {
        let server = try await TestServer.make(backend)
        defer { server.remove() }
        try await server.runOverSockets { client, _ in
            let ann = try await client.guest()
            #expect(try await client.send(.post, "/api/events/1/queue", headers: ann.headers).status == .notFound, "no waiting room yet")
            #expect(try await client.send(.put, "/api/events/1/queue", json: #"{"enabled": true}"#, headers: ann.headers).status == .forbidden)
            let set = try await client.send(.put, "/api/events/1/queue", json: #"{"enabled": true, "admit_per_minute": 600, "pass_minutes": 5}"#, headers: client.organizer)
            #expect(set.status == .ok && set.object["enabled"] as? Bool == true, "\(set.text)")

            let refused = try await client.send(.post, "/api/book/safe", json: #"{"seat_id": 5}"#, headers: ann.headers)
            #expect(refused.status == .forbidden && refused.object["type"] as? String == "https://boxoffice.dev/problems/queue-pass-required", "\(refused.text)")
            let routed = try await client.send(.post, "/api/bookings", json: #"{"event_id": 1, "best_available": {"quantity": 1}}"#, headers: ann.headers)
            #expect(routed.status == .forbidden, "best available too: \(routed.text)")

            let joined = try await client.send(.post, "/api/events/1/queue", headers: ann.headers)
            #expect(joined.status == .ok && ["waiting", "admitted"].contains(joined.object["state"] as? String ?? ""), "\(joined.text)")
            #expect(try await client.send(.post, "/api/events/1/queue", headers: ann.headers).object["position"] as? Int == joined.object["position"] as? Int,
                    "one place per identity")
            let place = try await Self.admitted(client, event: 1, headers: ann.headers)
            let pass = try #require(place["pass"] as? String)
            var withPass = ann.headers
            withPass[Self.queuePass] = pass
            let held = try await client.send(.post, "/api/book/safe", json: #"{"seat_id": 5}"#, headers: withPass)
            #expect(held.status == .ok, "\(held.text)")

            let bob = try await client.guest()
            var stolen = bob.headers
            stolen[Self.queuePass] = pass
            let theft = try await client.send(.post, "/api/book/safe", json: #"{"seat_id": 6}"#, headers: stolen)
            #expect(theft.status == .forbidden && theft.object["type"] as? String == "https://boxoffice.dev/problems/queue-pass-invalid", "another's pass")
            var forged = ann.headers
            forged[Self.queuePass] = pass.replacingOccurrences(of: ".", with: "x.")
            #expect(try await client.send(.post, "/api/book/safe", json: #"{"seat_id": 7}"#, headers: forged).status == .forbidden)
            // A second event behind its own waiting room: the first event's pass is no pass there, for seats or GA tickets.
            #expect(try await client.send(.put, "/api/events/2/queue", json: #"{"enabled": true}"#, headers: client.organizer).status == .ok)
            let pools = try #require(try await client.send(.get, "/api/events/2").object["ga_pools"] as? [[String: Any]])
            let pool = try #require(pools.first?["id"] as? Int)
            for body in [#"{"event_id": 2, "ga": [{"pool_id": \#(pool), "quantity": 1}]}"#, #"{"event_id": 2, "best_available": {"quantity": 1}}"#] {
                let elsewhere = try await client.send(.post, "/api/bookings", json: body, headers: withPass)
                #expect(elsewhere.status == .forbidden && elsewhere.object["type"] as? String == "https://boxoffice.dev/problems/queue-pass-required",
                        "a pass is its event's: \(elsewhere.text)")
            }
            let anonymous = try await client.send(.post, "/api/events/1/queue")
            #expect(anonymous.status == .ok && anonymous.object["guest_token"] is String, "an anonymous visitor joins as a new guest")

            let off = try await client.send(.put, "/api/events/1/queue", json: #"{"enabled": false}"#, headers: client.organizer)
            #expect(off.status == .ok)
            var open = false
            for _ in 0 ..< 20 where !open {
                open = try await client.send(.post, "/api/book/safe", json: #"{"seat_id": 8}"#, headers: bob.headers).status == .ok
                if !open { try await Task.sleep(for: .milliseconds(100)) }
            }
            #expect(open, "with the waiting room off, holds need no pass again")
            let check = try await InventoryCheck.run(server.database)
            #expect(check.violations.isEmpty)
            #expect(try await server.database.count("SELECT CAST(COUNT(*) AS TEXT) FROM bookings") == 2, "only the holds with a pass, and the one after")
        }
    }
}
