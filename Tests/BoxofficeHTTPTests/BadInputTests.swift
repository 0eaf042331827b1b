import BoxofficeTestSupport
import Foundation
import Hummingbird
import HummingbirdTesting
import Testing

@Suite("Bad input gets a clear 4xx problem and changes nothing")
struct BadInputTests {
    struct Case: Sendable {
        let name: String
        let method: HTTPRequest.Method
        let path: String
        let body: String?
        var organizer = false
        /// Sent with a guest's token (the default: most routes need one).
        var guest = true
        var authorization: String?
        let status: HTTPResponse.Status
    }

    static let validEvent = #"{"title": "T", "venue": "V", "starts_at": "2030-01-01T20:00:00Z", "categories": [{"id": "c", "price_minor": 1}], "seat_map": {"sections": [{"name": "S", "rows": [{"rows": "A", "seats": "1-3", "category": "c"}]}]}}"#

    static let cases: [Case] = [
        Case(name: "malformed JSON", method: .post, path: "/api/book/safe", body: #"{"seat_id": 1,"#, status: .badRequest),
        Case(name: "empty body", method: .post, path: "/api/bookings", body: "", status: .badRequest),
        Case(name: "seat id of the wrong type", method: .post, path: "/api/book/safe", body: #"{"seat_id": true, "user_identifier": "a"}"#, status: .badRequest),
        Case(name: "user of the wrong type", method: .post, path: "/api/book/safe", body: #"{"seat_id": 1, "user_identifier": 5}"#, status: .badRequest),
        Case(name: "seat list of the wrong type", method: .post, path: "/api/bookings", body: #"{"event_id": 1, "seat_ids": "1,2", "user_identifier": "a"}"#, status: .badRequest),
        Case(name: "a JSON array instead of an object", method: .post, path: "/api/bookings", body: "[1, 2]", status: .badRequest),
        Case(name: "empty seat list", method: .post, path: "/api/bookings", body: #"{"event_id": 1, "seat_ids": [], "user_identifier": "a"}"#, status: .unprocessableContent),
        Case(name: "a wallet without a token", method: .post, path: "/api/accounts", body: #"{"currency": "EUR"}"#, guest: false, status: .unauthorized),
        Case(name: "bookings of nobody without a token", method: .get, path: "/api/bookings", body: nil, guest: false, status: .unauthorized),
        Case(name: "a booking read with a forged token", method: .get, path: "/api/bookings/6f1c3c1e-3f5d-4c47-9d0a-7a1e0b7f2a11", body: nil,
             authorization: "Bearer eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiJ4In0.c2lnbmF0dXJl", status: .unauthorized),
        Case(name: "a token longer than 2 KB", method: .get, path: "/api/events", body: nil, authorization: "Bearer " + String(repeating: "a", count: 3_000), status: .unauthorized),
        Case(name: "another customer's bookings", method: .get, path: "/api/bookings?user_identifier=someone-else", body: nil, status: .forbidden),
        Case(name: "an event made by a guest", method: .post, path: "/api/events", body: validEvent, status: .forbidden),
        Case(name: "signup with a bad email", method: .post, path: "/api/auth/signup", body: #"{"email": "not-an-email", "password": "long enough"}"#, guest: false, status: .unprocessableContent),
        Case(name: "signup with a NUL in the email", method: .post, path: "/api/auth/signup", body: #"{"email": "ann\u0000@b.example", "password": "long enough"}"#, guest: false, status: .unprocessableContent),
        Case(name: "signup with a right-to-left override in the email", method: .post, path: "/api/auth/signup", body: #"{"email": "ann\u202e@b.example", "password": "long enough"}"#, guest: false, status: .unprocessableContent),
        Case(name: "signup with a control character in the email", method: .post, path: "/api/auth/signup", body: #"{"email": "ann\u0007@b.example", "password": "long enough"}"#, guest: false, status: .unprocessableContent),
        Case(name: "signup with a short password", method: .post, path: "/api/auth/signup", body: #"{"email": "a@b.example", "password": "short"}"#, guest: false, status: .unprocessableContent),
        Case(name: "signup with a password over 72 bytes", method: .post, path: "/api/auth/signup", body: #"{"email": "a@b.example", "password": "\#(String(repeating: "p", count: 73))"}"#, guest: false, status: .unprocessableContent),
        Case(name: "login of nobody", method: .post, path: "/api/auth/login", body: #"{"email": "nobody@b.example", "password": "whatever1"}"#, guest: false, status: .unauthorized),
        Case(name: "refresh with garbage", method: .post, path: "/api/auth/refresh", body: #"{"refresh_token": "garbage"}"#, guest: false, status: .badRequest),
        Case(name: "logout of an unknown session", method: .post, path: "/api/auth/logout", body: #"{"refresh_token": "6f1c3c1e-3f5d-4c47-9d0a-7a1e0b7f2a11.AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"}"#, guest: false, status: .unauthorized),
        Case(name: "unknown seat of this event", method: .post, path: "/api/bookings", body: #"{"event_id": 1, "seat_ids": [1, 99999], "user_identifier": "a"}"#, status: .unprocessableContent),
        Case(name: "seats of two events", method: .post, path: "/api/bookings", body: #"{"event_id": 1, "seat_ids": [1, 60], "user_identifier": "a"}"#, status: .unprocessableContent),
        Case(name: "the same seat twice", method: .post, path: "/api/bookings", body: #"{"event_id": 1, "seat_ids": [2, 2], "user_identifier": "a"}"#, status: .unprocessableContent),
        Case(name: "GA quantity zero", method: .post, path: "/api/bookings", body: #"{"event_id": 2, "ga": [{"pool_id": 1, "quantity": 0}], "user_identifier": "a"}"#, status: .unprocessableContent),
        Case(name: "GA quantity negative", method: .post, path: "/api/bookings", body: #"{"event_id": 2, "ga": [{"pool_id": 1, "quantity": -2}], "user_identifier": "a"}"#, status: .unprocessableContent),
        Case(name: "GA quantity above the limit", method: .post, path: "/api/bookings", body: #"{"event_id": 2, "ga": [{"pool_id": 1, "quantity": 11}], "user_identifier": "a"}"#, status: .unprocessableContent),
        Case(name: "seats plus GA above the limit", method: .post, path: "/api/bookings", body: #"{"event_id": 2, "seat_ids": [51, 52], "ga": [{"pool_id": 1, "quantity": 9}], "user_identifier": "a"}"#, status: .unprocessableContent),
        Case(name: "pool of another event", method: .post, path: "/api/bookings", body: #"{"event_id": 1, "ga": [{"pool_id": 1, "quantity": 1}], "user_identifier": "a"}"#, status: .unprocessableContent),
        Case(name: "oversized body", method: .post, path: "/api/bookings", body: #"{"event_id": 1, "user_identifier": "\#(String(repeating: "x", count: 70_000))"}"#, status: .contentTooLarge),
        Case(name: "hold TTL of zero", method: .post, path: "/api/events", body: validEvent.replacingOccurrences(of: #""title": "T""#, with: #""title": "T", "hold_ttl_seconds": 0"#), organizer: true, status: .unprocessableContent),
        Case(name: "negative hold TTL", method: .post, path: "/api/events", body: validEvent.replacingOccurrences(of: #""title": "T""#, with: #""title": "T", "hold_ttl_seconds": -30"#), organizer: true, status: .unprocessableContent),
        Case(name: "unknown price category", method: .post, path: "/api/events", body: validEvent.replacingOccurrences(of: #""category": "c""#, with: #""category": "x""#), organizer: true, status: .unprocessableContent),
        Case(name: "bad currency", method: .post, path: "/api/events", body: validEvent.replacingOccurrences(of: #""title": "T""#, with: #""title": "T", "currency": "euro""#), organizer: true, status: .unprocessableContent),
        Case(name: "bad date", method: .post, path: "/api/events", body: validEvent.replacingOccurrences(of: "2030-01-01T20:00:00Z", with: "tomorrow"), organizer: true, status: .badRequest),
        Case(name: "event without a token", method: .post, path: "/api/events", body: validEvent, guest: false, status: .unauthorized),
        Case(name: "event with a wrong token", method: .post, path: "/api/events", body: validEvent, authorization: "Bearer nope", status: .unauthorized),
        Case(name: "event with a non-bearer scheme", method: .post, path: "/api/events", body: validEvent, authorization: "Basic dXNlcjpwYXNz", status: .unauthorized),
        Case(name: "unknown event in a booking", method: .post, path: "/api/bookings", body: #"{"event_id": 999, "seat_ids": [1], "user_identifier": "a"}"#, status: .notFound),
        Case(name: "unknown seat", method: .post, path: "/api/book/safe", body: #"{"seat_id": 987654, "user_identifier": "a"}"#, status: .notFound),
        Case(name: "unknown event", method: .get, path: "/api/events/999", body: nil, status: .notFound),
        Case(name: "non-numeric event id", method: .get, path: "/api/events/abc/seats", body: nil, status: .notFound),
        Case(name: "unknown booking", method: .get, path: "/api/bookings/6f1c3c1e-3f5d-4c47-9d0a-7a1e0b7f2a11", body: nil, status: .notFound),
        Case(name: "malformed booking id", method: .post, path: "/api/bookings/not-a-uuid/release", body: nil, status: .notFound),
        Case(name: "release of an unknown booking", method: .post, path: "/api/bookings/6f1c3c1e-3f5d-4c47-9d0a-7a1e0b7f2a11/release", body: nil, status: .notFound),
        Case(name: "unknown route", method: .get, path: "/api/nowhere", body: nil, status: .notFound),
    ]

    /// One server per database for all the cases, one after another: a refused request must change nothing, so
    /// each case also checks that the events are as they were before it.
    @Test("each bad request is refused with a problem response", arguments: TestBackend.all)
    func refused(backend: TestBackend) async throws {
        let server = try await TestServer.make(backend)
        defer { server.remove() }
        try await server.run { client in
            let guest = try await client.guest()
            for badCase in Self.cases {
                let before = try await client.send(.get, "/api/events")
                var headers: HTTPFields = badCase.organizer ? client.organizer : badCase.guest ? guest.headers : [:]
                if let authorization = badCase.authorization { headers[.authorization] = authorization }
                let reply = try await client.send(badCase.method, badCase.path, json: badCase.body, headers: headers)
                #expect(reply.status == badCase.status, "\(badCase.name): \(reply.text)")
                #expect(reply.headers[.contentType] == "application/problem+json", "\(badCase.name)")
                #expect(reply.object["status"] as? Int == Int(badCase.status.code), "\(badCase.name)")
                #expect((reply.object["detail"] as? String)?.isEmpty == false, "\(badCase.name)")
                let after = try await client.send(.get, "/api/events")
                #expect(after.body == before.body, "\(badCase.name): a refused request must change nothing")
            }
        }
        #expect(try await server.database.count("SELECT CAST(COUNT(*) AS TEXT) FROM bookings") == 0)
        #expect(try await server.database.count("SELECT CAST(COUNT(*) AS TEXT) FROM seat_claims") == 0)
    }

    @Test("a sold-out pool answers 409 and names what is left", arguments: TestBackend.all)
    func soldOut(backend: TestBackend) async throws {
        let server = try await TestServer.make(backend)
        defer { server.remove() }
        try await server.run { client in
            for buyer in 0 ..< 50 {
                let reply = try await client.send(.post, "/api/bookings", json: #"{"event_id": 2, "ga": [{"pool_id": 1, "quantity": 10}], "user_identifier": "b\#(buyer)"}"#)
                #expect(reply.status == .created)
            }
            let reply = try await client.send(.post, "/api/bookings", json: #"{"event_id": 2, "ga": [{"pool_id": 1, "quantity": 1}], "user_identifier": "late"}"#)
            #expect(reply.status == .conflict)
            #expect(reply.object["detail"] as? String == "General admission pool 1 is sold out.")
        }
    }
}
