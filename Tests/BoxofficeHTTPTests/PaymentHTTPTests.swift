import BoxofficeHTTP
import BoxofficeTestSupport
import Foundation
import Hummingbird
import HummingbirdTesting
import Testing

@Suite("Wallets and payments over HTTP")
struct PaymentHTTPTests {
    @Test("the seed's scenario: account, deposit, balance; a purchase above the balance is cancelled; five concurrent payments of the whole balance give one confirmed", arguments: TestBackend.all)
    func seedScenario(backend: TestBackend) async throws {
        let server = try await TestServer.make(backend)
        defer { server.remove() }
        try await server.run { client in
            let me = try await client.guest()
            let created = try await client.send(.post, "/api/accounts", json: #"{"user_identifier": "olga"}"#, headers: me.headers)
            #expect(created.status == .created)
            let account = try #require(created.object["id"] as? String)
            let again = try await client.send(.post, "/api/accounts", json: #"{"user_identifier": "olga"}"#, headers: me.headers)
            #expect(again.status == .ok)
            #expect(again.object["id"] as? String == account)

            let deposit = try await client.send(.post, "/api/accounts/\(account)/deposits", json: #"{"amount_minor": 10000}"#, headers: me.headers)
            #expect(deposit.status == .created)
            #expect((deposit.object["account"] as? [String: Any])?["balance_minor"] as? Int == 10_000)
            let balance = try await client.send(.get, "/api/accounts/\(account)", headers: me.headers)
            #expect(balance.object["balance_minor"] as? Int == 10_000)

            let expensive = try await client.send(.post, "/api/bookings", json: #"{"event_id": 1, "seat_ids": [1, 2], "user_identifier": "olga"}"#, headers: me.headers)
            let expensiveID = try #require(expensive.object["id"] as? String)
            let refused = try await client.send(.post, "/api/bookings/\(expensiveID)/pay", headers: me.headers)
            #expect(refused.status == .ok)
            #expect(refused.object["status"] as? String == "cancelled")
            #expect(try await client.send(.get, "/api/accounts/\(account)", headers: me.headers).object["balance_minor"] as? Int == 10_000)
            #expect(try await client.send(.post, "/api/book/safe", json: #"{"seat_id": 1, "user_identifier": "next"}"#, headers: me.headers).status == .ok, "the seat is on sale again")

            var bookings: [String] = []
            for seat in 11 ... 15 {
                let hold = try await client.send(.post, "/api/book/safe", json: #"{"seat_id": \#(seat), "user_identifier": "olga"}"#, headers: me.headers)
                bookings.append(try #require(hold.object["booking_id"] as? String))
            }
            let outcomes = try await withThrowingTaskGroup(of: String.self) { group in
                for booking in bookings {
                    group.addTask { try await client.send(.post, "/api/bookings/\(booking)/pay", headers: me.headers).object["status"] as? String ?? "?" }
                }
                return try await group.reduce(into: [String]()) { $0.append($1) }
            }
            #expect(outcomes.filter { $0 == "confirmed" }.count == 1, "\(outcomes)")
            #expect(outcomes.filter { $0 == "cancelled" }.count == 4, "\(outcomes)")
            #expect(try await client.send(.get, "/api/accounts/\(account)", headers: me.headers).object["balance_minor"] as? Int == 0)
            let ledger = try await client.send(.get, "/api/accounts/\(account)/ledger", headers: me.headers)
            #expect(ledger.array.map { $0["kind"] as? String } == ["charge", "deposit"])

            let stranger = try await client.guest()
            #expect(try await client.send(.get, "/api/accounts/\(account)", headers: stranger.headers).status == .notFound, "another's wallet is not there for a stranger")
            #expect(try await client.send(.post, "/api/accounts/\(account)/deposits", json: #"{"amount_minor": 5}"#, headers: stranger.headers).status == .notFound)
            #expect(try await client.send(.get, "/api/bookings/\(bookings[0])", headers: stranger.headers).status == .notFound)
            #expect(try await client.send(.post, "/api/bookings/\(bookings[0])/pay", headers: stranger.headers).status == .notFound)
            #expect(try await client.send(.get, "/api/accounts/\(account)", headers: client.organizer).status == .ok, "an organizer sees every wallet")
            #expect(try await client.send(.post, "/api/accounts", json: "{}").status == .unauthorized, "a wallet needs its owner's token")
        }
        #expect(try await MoneyCheck.violations(server.database).isEmpty)
    }

    @Test("paying a confirmed booking again charges nothing; paying a released one is refused", arguments: TestBackend.all)
    func payRules(backend: TestBackend) async throws {
        let server = try await TestServer.make(backend)
        defer { server.remove() }
        try await server.run { client in
            let me = try await client.guest()
            let account = try #require(try await client.send(.post, "/api/accounts", json: #"{"user_identifier": "pete"}"#, headers: me.headers).object["id"] as? String)
            _ = try await client.send(.post, "/api/accounts/\(account)/deposits", json: #"{"amount_minor": 50000}"#, headers: me.headers)
            let booking = try #require(try await client.send(.post, "/api/book/safe", json: #"{"seat_id": 20, "user_identifier": "pete"}"#, headers: me.headers).object["booking_id"] as? String)
            #expect(try await client.send(.post, "/api/bookings/\(booking)/pay", headers: me.headers).object["status"] as? String == "confirmed")
            let again = try await client.send(.post, "/api/bookings/\(booking)/pay", headers: me.headers)
            #expect(again.status == .ok)
            #expect(try await client.send(.get, "/api/accounts/\(account)", headers: me.headers).object["balance_minor"] as? Int == 40_000)
            #expect(try await client.send(.post, "/api/bookings/\(booking)/release", headers: me.headers).status == .conflict, "a confirmed booking is not released")

            let released = try #require(try await client.send(.post, "/api/book/safe", json: #"{"seat_id": 21, "user_identifier": "pete"}"#, headers: me.headers).object["booking_id"] as? String)
            _ = try await client.send(.post, "/api/bookings/\(released)/release", headers: me.headers)
            let refused = try await client.send(.post, "/api/bookings/\(released)/pay", headers: me.headers)
            #expect(refused.status == .conflict)
            #expect(refused.object["detail"] as? String == "Booking \(released) is released and cannot be paid.")
        }
    }

    @Test("the ledger comes in pages, newest first, each naming the next in a Link header", arguments: TestBackend.all)
    func ledgerPages(backend: TestBackend) async throws {
        let server = try await TestServer.make(backend)
        defer { server.remove() }
        try await server.run { client in
            let me = try await client.guest()
            let account = try #require(try await client.send(.post, "/api/accounts", json: #"{"user_identifier": "pia"}"#, headers: me.headers).object["id"] as? String)
            for amount in 1 ... 5 { _ = try await client.send(.post, "/api/accounts/\(account)/deposits", json: #"{"amount_minor": \#(amount)}"#, headers: me.headers) }
            var amounts: [Int] = []
            var path: String? = "/api/accounts/\(account)/ledger?limit=2"
            var pages = 0
            while let next = path {
                let page = try await client.send(.get, next, headers: me.headers)
                #expect(page.status == .ok)
                amounts += page.array.compactMap { $0["amount_minor"] as? Int }
                path = page.headers[.link].flatMap { $0.split(separator: ">").first.map { String($0.dropFirst()) } }
                pages += 1
            }
            #expect(amounts == [5, 4, 3, 2, 1], "newest first, every entry once")
            #expect(pages == 3)
            let all = try await client.send(.get, "/api/accounts/\(account)/ledger", headers: me.headers)
            #expect(all.array.count == 5 && all.headers[.link] == nil, "one page of up to 100 by default")
            #expect(try await client.send(.get, "/api/accounts/\(account)/ledger?limit=0", headers: me.headers).status == .badRequest)
            #expect(try await client.send(.get, "/api/accounts/\(account)/ledger?limit=x", headers: me.headers).status == .badRequest)
            #expect(try await client.send(.get, "/api/accounts/\(account)/ledger?before=nope", headers: me.headers).status == .badRequest)
            #expect(try await client.send(.get, "/api/accounts/\(account)/ledger?before=\(UUID().uuidString)", headers: me.headers).array.isEmpty)
        }
    }

    @Test("bad wallet input gets a clear 4xx and changes nothing", arguments: TestBackend.all)
    func badInput(backend: TestBackend) async throws {
        let server = try await TestServer.make(backend)
        defer { server.remove() }
        try await server.run { client in
            let me = try await client.guest()
            let account = try #require(try await client.send(.post, "/api/accounts", json: #"{"user_identifier": "quin"}"#, headers: me.headers).object["id"] as? String)
            let cases: [(HTTPRequest.Method, String, String?, HTTPResponse.Status)] = [
                (.post, "/api/accounts/\(account)/deposits", #"{"amount_minor": 0}"#, .unprocessableContent),
                (.post, "/api/accounts/\(account)/deposits", #"{"amount_minor": -500}"#, .unprocessableContent),
                (.post, "/api/accounts/\(account)/deposits", #"{"amount_minor": 99999999999}"#, .unprocessableContent),
                (.post, "/api/accounts/\(account)/deposits", #"{"amount_minor": "ten"}"#, .badRequest),
                (.post, "/api/accounts/\(account)/deposits", #"{"amount_minor": 10.5}"#, .badRequest),
                (.post, "/api/accounts/6f1c3c1e-3f5d-4c47-9d0a-7a1e0b7f2a11/deposits", #"{"amount_minor": 10}"#, .notFound),
                (.get, "/api/accounts/not-an-id", nil, .notFound),
                (.post, "/api/accounts", #"{"currency": "euro"}"#, .unprocessableContent),
                (.post, "/api/accounts", #"{"currency": 7}"#, .badRequest),
                (.get, "/api/accounts?user_identifier=nobody", nil, .forbidden),
                (.post, "/api/bookings/6f1c3c1e-3f5d-4c47-9d0a-7a1e0b7f2a11/pay", nil, .notFound),
            ]
            for (method, path, body, status) in cases {
                let reply = try await client.send(method, path, json: body, headers: me.headers)
                #expect(reply.status == status, "\(method) \(path) \(body ?? "") → \(reply.text)")
                #expect(reply.headers[.contentType] == "application/problem+json")
            }
            #expect(try await client.send(.get, "/api/accounts/\(account)", headers: me.headers).object["balance_minor"] as? Int == 0)
            #expect(try await client.send(.get, "/api/accounts/\(account)/ledger", headers: me.headers).array.isEmpty)
        }
    }
}
