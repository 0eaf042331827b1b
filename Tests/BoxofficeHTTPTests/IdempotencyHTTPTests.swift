import BoxofficeHTTP
import BoxofficeTestSupport
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Testing

@Suite("Idempotency-Key over HTTP")
struct IdempotencyHTTPTests {
    @Test("a repeated hold gets the first answer, marked; another body 422; the key is the identity's", arguments: TestBackend.all)
    func holds(backend: TestBackend) async throws {
        let server = try await TestServer.make(backend)
        defer { server.remove() }
        try await server.run { client in
            let ann = try await client.guest()
            var keyed = ann.headers
            keyed[.idempotencyKey] = "hold-seat-30"
            let first = try await client.send(.post, "/api/book/safe", json: #"{"seat_id": 30}"#, headers: keyed)
            #expect(first.status == .ok && first.headers[.idempotentReplayed] == nil)
            let again = try await client.send(.post, "/api/book/safe", json: #"{"seat_id": 30}"#, headers: keyed)
            #expect(again.status == .ok && again.text == first.text, "the same answer, not a 409 for the seat it holds")
            #expect(again.headers[.idempotentReplayed] == "true")
            let other = try await client.send(.post, "/api/book/safe", json: #"{"seat_id": 31}"#, headers: keyed)
            #expect(other.status == .unprocessableContent && other.object["type"] as? String == "https://boxoffice.dev/problems/idempotency-key-reused")

            let bob = try await client.guest()
            var bobKeyed = bob.headers
            bobKeyed[.idempotencyKey] = "hold-seat-30"
            let bobs = try await client.send(.post, "/api/book/safe", json: #"{"seat_id": 30}"#, headers: bobKeyed)
            #expect(bobs.status == .conflict && bobs.headers[.idempotentReplayed] == nil, "bob's key is his own: his request runs, and the seat is taken")

            let mine = try await client.send(.get, "/api/bookings", headers: ann.headers)
            #expect(mine.array.count == 1, "one booking for two keyed holds")

            var badKey = ann.headers
            badKey[.idempotencyKey] = "has spaces"
            let refused = try await client.send(.post, "/api/book/safe", json: #"{"seat_id": 32}"#, headers: badKey)
            #expect(refused.status == .badRequest && refused.object["type"] as? String == "https://boxoffice.dev/problems/invalid-idempotency-key")
            #expect(try await client.send(.get, "/api/bookings", headers: ann.headers).array.count == 1)

            let anonymous = try await client.send(.post, "/api/book/safe", json: #"{"seat_id": 33}"#, headers: [.idempotencyKey: "anonymous-key"])
            #expect(anonymous.status == .unauthorized && anonymous.object["type"] as? String == "https://boxoffice.dev/problems/idempotency-key-needs-token",
                    "an answer with a new guest's token is never kept for whoever repeats the key")
        }
    }

    @Test("a refused write is kept too: its repeat is refused the same way without running", arguments: TestBackend.all)
    func refusals(backend: TestBackend) async throws {
        let server = try await TestServer.make(backend)
        defer { server.remove() }
        try await server.run { client in
            let ann = try await client.guest()
            let bob = try await client.guest()
            #expect(try await client.send(.post, "/api/book/safe", json: #"{"seat_id": 40}"#, headers: bob.headers).status == .ok)
            var keyed = ann.headers
            keyed[.idempotencyKey] = "k-40"
            let first = try await client.send(.post, "/api/book/safe", json: #"{"seat_id": 40}"#, headers: keyed)
            #expect(first.status == .conflict)
            let booking = try #require(try await client.send(.get, "/api/bookings", headers: bob.headers).array.first?["id"] as? String)
            #expect(try await client.send(.post, "/api/bookings/\(booking)/release", headers: bob.headers).status == .ok)
            let again = try await client.send(.post, "/api/book/safe", json: #"{"seat_id": 40}"#, headers: keyed)
            #expect(again.status == .conflict && again.headers[.idempotentReplayed] == "true" && again.text == first.text)
        }
    }

    @Test("a deposit retried with its key is credited once", arguments: TestBackend.all)
    func deposits(backend: TestBackend) async throws {
        let server = try await TestServer.make(backend)
        defer { server.remove() }
        try await server.run { client in
            let ann = try await client.guest()
            let account = try #require(try await client.send(.post, "/api/accounts", json: #"{"currency": "EUR"}"#, headers: ann.headers).object["id"] as? String)
            var keyed = ann.headers
            keyed[.idempotencyKey] = UUID().uuidString
            let first = try await client.send(.post, "/api/accounts/\(account)/deposits", json: #"{"amount_minor": 700}"#, headers: keyed)
            #expect(first.status == .created, "\(first.text)")
            for _ in 0 ..< 3 {
                let again = try await client.send(.post, "/api/accounts/\(account)/deposits", json: #"{"amount_minor": 700}"#, headers: keyed)
                #expect(again.status == .created && again.headers[.idempotentReplayed] == "true" && again.text == first.text)
            }
            #expect(try await client.send(.get, "/api/accounts/\(account)", headers: ann.headers).object["balance_minor"] as? Int == 700)
            #expect(try await client.send(.get, "/api/accounts/\(account)/ledger", headers: ann.headers).array.count == 1)
        }
    }

    /// Leaves key `key`'s row as a process killed between its write's commit and keeping its answer leaves it: no answer,
    /// a claim last renewed long ago.
    static func dieBeforeAnswering(_ key: String, in database: TestDatabase) async throws {
        let longAgo = database.backend == .sqlite ? "0" : "'epoch'"
        _ = try await database.rows(
            "UPDATE idempotency_keys SET status = NULL, content_type = NULL, location = NULL, body = NULL, answered_at = NULL, claimed_at = \(longAgo) WHERE key = '\(key)'"
        )
    }

    @Test("a keyed hold and pay whose process died after the commit, before the answer was kept: the retry gets the committed booking, written once", arguments: TestBackend.all)
    func crashAfterCommit(backend: TestBackend) async throws {
        let server = try await TestServer.make(backend)
        defer { server.remove() }
        try await server.run { client in
            let ann = try await client.guest()
            let account = try #require(try await client.send(.post, "/api/accounts", json: "{}", headers: ann.headers).object["id"] as? String)
            #expect(try await client.send(.post, "/api/accounts/\(account)/deposits", json: #"{"amount_minor": 100000}"#, headers: ann.headers).status == .created)
            var holdKey = ann.headers
            holdKey[.idempotencyKey] = "hold-after-commit"
            let body = #"{"event_id": 1, "seat_ids": [21, 22]}"#
            let first = try await client.send(.post, "/api/bookings", json: body, headers: holdKey)
            #expect(first.status == .created, "\(first.text)")
            let booking = try #require(first.object["id"] as? String)
            try await Self.dieBeforeAnswering("hold-after-commit", in: server.database)
            let retry = try await client.send(.post, "/api/bookings", json: body, headers: holdKey)
            #expect(retry.status == .created && retry.object["id"] as? String == booking, "the booking the first run made, not a second")
            #expect(retry.headers[.idempotentReplayed] == "true" && retry.headers[.location] == "/api/bookings/\(booking)")
            #expect(try await client.send(.get, "/api/bookings", headers: ann.headers).array.count == 1)
            let other = try await client.send(.post, "/api/bookings", json: #"{"event_id": 1, "seat_ids": [23]}"#, headers: holdKey)
            #expect(other.status == .unprocessableContent, "the key made a booking: another body is refused")

            var payKey = ann.headers
            payKey[.idempotencyKey] = "pay-after-commit"
            let paid = try await client.send(.post, "/api/bookings/\(booking)/pay", headers: payKey)
            #expect(paid.status == .ok && paid.object["status"] as? String == "confirmed")
            try await Self.dieBeforeAnswering("pay-after-commit", in: server.database)
            let payRetry = try await client.send(.post, "/api/bookings/\(booking)/pay", headers: payKey)
            #expect(payRetry.status == .ok && payRetry.object["status"] as? String == "confirmed" && payRetry.headers[.idempotentReplayed] == "true")
            let ledger = try await client.send(.get, "/api/accounts/\(account)/ledger", headers: ann.headers).array
            #expect(ledger.filter { $0["kind"] as? String == "charge" }.count == 1, "charged once")
        }
    }

    @Test("a keyed hold whose process died before the commit: the retry runs once, after the claim's lease", arguments: TestBackend.all)
    func crashBeforeCommit(backend: TestBackend) async throws {
        let server = try await TestServer.make(backend)
        defer { server.remove() }
        try await server.run { client in
            let ann = try await client.guest()
            var keyed = ann.headers
            keyed[.idempotencyKey] = "hold-before-commit"
            let owner = ann.id.lowercased()
            let longAgo = backend == .sqlite ? "0" : "'epoch'"
            // What a request killed before its write leaves: a claim nobody renews, and nothing written.
            _ = try await server.database.rows(
                "INSERT INTO idempotency_keys (owner, key, fingerprint, claimed_at, claim) VALUES ('\(owner)', 'hold-before-commit', 'f', \(longAgo), 'dead')"
            )
            let retry = try await client.send(.post, "/api/bookings", json: #"{"event_id": 1, "seat_ids": [24]}"#, headers: keyed)
            #expect(retry.status == .created && retry.headers[.idempotentReplayed] == nil, "\(retry.text)")
            let again = try await client.send(.post, "/api/bookings", json: #"{"event_id": 1, "seat_ids": [24]}"#, headers: keyed)
            #expect(again.status == .created && again.object["id"] as? String == retry.object["id"] as? String && again.headers[.idempotentReplayed] == "true")
            #expect(try await client.send(.get, "/api/bookings", headers: ann.headers).array.count == 1)
        }
    }
}
