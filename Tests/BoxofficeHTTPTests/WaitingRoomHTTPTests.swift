@testable import BoxofficeHTTP
import BoxofficeTestSupport
import BoxofficeWaitingRoom
import Crypto
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import HummingbirdWSTesting
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

    @Test("a pass buys once: after its holder pays, its holds are refused and its place says done", arguments: TestBackend.all)
    func passBuysOnce(backend: TestBackend) async throws {
        let server = try await TestServer.make(backend)
        defer { server.remove() }
        try await server.run { client in
            #expect(try await client.send(.put, "/api/events/1/queue", json: #"{"enabled": true, "admit_per_minute": 6000}"#, headers: client.organizer).status == .ok)
            let ann = try await client.guest()
            let account = try #require(try await client.send(.post, "/api/accounts", json: "{}", headers: ann.headers).object["id"] as? String)
            #expect(try await client.send(.post, "/api/accounts/\(account)/deposits", json: #"{"amount_minor": 100000}"#, headers: ann.headers).status == .created)
            #expect(try await client.send(.post, "/api/events/1/queue", headers: ann.headers).status == .ok)
            var withPass = ann.headers
            withPass[Self.queuePass] = try #require(try await Self.admitted(client, event: 1, headers: ann.headers)["pass"] as? String)
            let held = try await client.send(.post, "/api/bookings", json: #"{"event_id": 1, "seat_ids": [31]}"#, headers: withPass)
            let booking = try #require(held.object["id"] as? String, "\(held.text)")
            let another = try await client.send(.post, "/api/bookings", json: #"{"event_id": 1, "seat_ids": [32]}"#, headers: withPass)
            #expect(another.status == .created, "a pass may hold more than once before paying: \(another.text)")
            let paid = try await client.send(.post, "/api/bookings/\(booking)/pay", headers: ann.headers)
            #expect(paid.object["status"] as? String == "confirmed", "\(paid.text)")
            let after = try await client.send(.post, "/api/bookings", json: #"{"event_id": 1, "seat_ids": [33]}"#, headers: withPass)
            #expect(after.status == .forbidden && after.object["type"] as? String == "https://boxoffice.dev/problems/queue-pass-used", "\(after.text)")
            let place = try await client.send(.get, "/api/events/1/queue/me", headers: ann.headers).object
            #expect(place["state"] as? String == "done" && place["pass"] == nil, "\(place)")
            #expect(try await client.send(.post, "/api/events/1/queue", headers: ann.headers).object["state"] as? String == "done", "joining again gives no new pass")
        }
    }

    @Test("a waiting room with proof of work lets in only joins that solved a fresh challenge")
    func proofOfWork() async throws {
        let server = try await TestServer.make(.sqlite)
        defer { server.remove() }
        try await server.run { client in
            #expect(try await client.send(.get, "/api/events/1/queue/challenge").status == .notFound, "no waiting room")
            let set = try await client.send(.put, "/api/events/1/queue", json: #"{"enabled": true, "proof_of_work": 6}"#, headers: client.organizer)
            #expect(set.object["proof_of_work"] as? Int == 6, "\(set.text)")
            let bare = try await client.send(.post, "/api/events/1/queue")
            #expect(bare.status == .forbidden && bare.object["type"] as? String == "https://boxoffice.dev/problems/proof-of-work-required", "\(bare.text)")
            let challenge = try await client.send(.get, "/api/events/1/queue/challenge").object
            let text = try #require(challenge["challenge"] as? String)
            let difficulty = try #require(challenge["difficulty"] as? Int)
            #expect(difficulty == 6)
            var nonce = 0
            while ProofOfWork.leadingZeroBits(of: Array(SHA256.hash(data: Array((text + String(nonce)).utf8)))) < difficulty { nonce += 1 }
            let proof = #"{"proof": {"challenge": "\#(text)", "nonce": "\#(nonce)"}}"#
            let joined = try await client.send(.post, "/api/events/1/queue", json: proof)
            #expect(joined.status == .ok && joined.object["guest_token"] is String, "\(joined.text)")
            let replayed = try await client.send(.post, "/api/events/1/queue", json: proof)
            #expect(replayed.status == .forbidden && (replayed.object["detail"] as? String ?? "").contains("used"), "one join per challenge: \(replayed.text)")
            #expect(try await client.send(.post, "/api/events/1/queue", json: #"{"proof": 5}"#).status == .badRequest)
            #expect(try await server.database.count("SELECT CAST(COUNT(*) AS TEXT) FROM queue_entries") == 1, "refused joins leave nothing behind")
        }
    }

    @Test("the queue is a live topic: each tick one frame with the cursor and the pace, and the latest at once on subscribing")
    func liveTopic() async throws {
        let server = try await TestServer.make(.sqlite)
        defer { server.remove() }
        try await server.runLive { client, _ in
            #expect(try await client.send(.put, "/api/events/1/queue", json: #"{"enabled": true, "admit_per_minute": 120}"#, headers: client.organizer).status == .ok)
            try await Task.sleep(for: .milliseconds(1_200))
            var joined: [Int] = []
            for _ in 0 ..< 5 { joined.append(try #require(try await client.send(.post, "/api/events/1/queue").object["position"] as? Int)) }
            let last = joined.max() ?? 0
            try await client.ws(LiveSocket.path) { inbound, outbound, _ in
                try await LiveClient.session(inbound: inbound, outbound: outbound) { live in
                    try await live.send(#"{"action": "subscribe", "queue": 999}"#)
                    #expect(try await live.next("error")["detail"] as? String == "There is no event with id 999.")
                    try await live.send(#"{"action": "subscribe", "queue": 1}"#)
                    #expect(try await live.next("subscribed")["queue"] as? Int == 1)
                    // The server has told this queue's progress before (its advancer ticked): the latest comes at once.
                    var cursors = [try #require(try await live.next("queue", within: 0.2)["cursor"] as? Int)]
                    while cursors.last ?? 0 < last {
                        let frame = try await live.next("queue", within: 5)
                        #expect(frame["event_id"] as? Int == 1 && frame["joined"] as? Int == 5 && frame["admit_per_minute"] as? Int == 120, "\(frame)")
                        cursors.append(try #require(frame["cursor"] as? Int))
                    }
                    #expect(cursors == cursors.sorted(), "the cursor only moves forward: \(cursors)")
                    #expect(cursors.count >= 2, "the frames follow the cursor, two a second at this rate: \(cursors)")
                    #expect(try await client.send(.put, "/api/events/1/queue", json: #"{"enabled": false}"#, headers: client.organizer).status == .ok)
                    var off = false
                    for _ in 0 ..< 5 where !off { off = try await live.next("queue", within: 3)["enabled"] as? Bool == false }
                    #expect(off, "a queue switched off says so once on its topic")
                }
            }
        }
    }
}
