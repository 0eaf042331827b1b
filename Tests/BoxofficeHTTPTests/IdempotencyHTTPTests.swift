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
            #expect(first.status == .created)
            for _ in 0 ..< 3 {
                let again = try await client.send(.post, "/api/accounts/\(account)/deposits", json: #"{"amount_minor": 700}"#, headers: keyed)
                #expect(again.status == .created && again.headers[.idempotentReplayed] == "true" && again.text == first.text)
            }
            #expect(try await client.send(.get, "/api/accounts/\(account)", headers: ann.headers).object["balance_minor"] as? Int == 700)
            #expect(try await client.send(.get, "/api/accounts/\(account)/ledger", headers: ann.headers).array.count == 1)
        }
    }
}
