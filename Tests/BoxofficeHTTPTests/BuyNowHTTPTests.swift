import BoxofficeHTTP
import BoxofficeTestSupport
import Foundation
import Hummingbird
import HummingbirdTesting
import Testing

@Suite("Buy now over HTTP: hold and pay in one request")
struct BuyNowHTTPTests {
    @Test("a funded buyer's buy answers confirmed and sells the seat, charged once; an unfunded one answers cancelled and the seat is back on sale", arguments: TestBackend.all)
    func buy(backend: TestBackend) async throws {
        let server = try await TestServer.make(backend)
        defer { server.remove() }
        try await server.run { client in
            let me = try await client.guest()
            let account = try await Self.wallet(client, me.headers, funds: 100_000)
            let safe = try await client.send(.post, "/api/book/safe", json: #"{"seat_id": 40, "pay": true}"#, headers: me.headers)
            #expect(safe.status == .ok && safe.object["status"] as? String == "confirmed", "\(safe.text)")
            let price = try #require(safe.object["amount_minor"] as? Int)
            let id = try #require(safe.object["booking_id"] as? String)
            #expect(try await client.send(.get, "/api/bookings/\(id)", headers: me.headers).object["status"] as? String == "confirmed")
            #expect(try await client.send(.post, "/api/book/safe", json: #"{"seat_id": 40}"#, headers: (try await client.guest()).headers).status == .conflict, "sold")

            let created = try await client.send(.post, "/api/bookings", json: #"{"event_id": 1, "seat_ids": [41, 42], "pay": true}"#, headers: me.headers)
            #expect(created.status == .created && created.object["status"] as? String == "confirmed", "\(created.text)")
            #expect(created.headers[.location] == "/api/bookings/\(created.object["id"] as? String ?? "?")")
            let pair = try #require(created.object["amount_minor"] as? Int)
            #expect(try await Self.balance(client, me.headers, account) == 100_000 - price - pair, "each buy charged once")
            let history = try await client.send(.get, "/api/bookings/\(id)/history", headers: client.organizer)
            let kinds = (history.object["history"] as? [[String: Any]] ?? []).map { $0["kind"] as? String ?? "?" }
            #expect(kinds == ["held", "payment_requested", "confirmed"], "\(history.text)")

            let poor = try await client.guest()
            let poorAccount = try await Self.wallet(client, poor.headers, funds: 1)
            let declined = try await client.send(.post, "/api/bookings", json: #"{"event_id": 1, "seat_ids": [43], "pay": true}"#, headers: poor.headers)
            #expect(declined.status == .created && declined.object["status"] as? String == "cancelled", "\(declined.text)")
            #expect(try await Self.balance(client, poor.headers, poorAccount) == 1)
            #expect(try await client.send(.post, "/api/book/safe", json: #"{"seat_id": 43}"#, headers: poor.headers).status == .ok, "back on sale")
        }
        #expect(try await MoneyCheck.violations(server.database).isEmpty)
    }

    @Test("a buy needs a token, a boolean and a free seat, and changes nothing when refused; a keyed buy repeated is answered once, charged once", arguments: TestBackend.all)
    func refusalsAndKeys(backend: TestBackend) async throws {
        let server = try await TestServer.make(backend)
        defer { server.remove() }
        try await server.run { client in
            let anonymous = try await client.send(.post, "/api/book/safe", json: #"{"seat_id": 50, "pay": true}"#)
            #expect(anonymous.status == .unauthorized, "a new guest has no wallet to pay from")
            let me = try await client.guest()
            let account = try await Self.wallet(client, me.headers, funds: 100_000)
            let badType = try await client.send(.post, "/api/bookings", json: #"{"event_id": 1, "seat_ids": [50], "pay": "yes"}"#, headers: me.headers)
            #expect(badType.status == .badRequest || badType.status == .unprocessableContent, "\(badType.status)")
            #expect(try await client.send(.post, "/api/book/safe", json: #"{"seat_id": 50}"#, headers: me.headers).status == .ok, "nothing was held by the refusals")
            let taken = try await client.send(.post, "/api/book/safe", json: #"{"seat_id": 50, "pay": true}"#, headers: (try await client.guest()).headers)
            #expect(taken.status == .conflict)

            var keyed = me.headers
            keyed[.idempotencyKey] = "buy-seat-51"
            let first = try await client.send(.post, "/api/book/safe", json: #"{"seat_id": 51, "pay": true}"#, headers: keyed)
            #expect(first.status == .ok && first.object["status"] as? String == "confirmed", "\(first.status) \(first.text)")
            let again = try await client.send(.post, "/api/book/safe", json: #"{"seat_id": 51, "pay": true}"#, headers: keyed)
            #expect(again.status == .ok && again.headers[.idempotentReplayed] == "true" && again.text == first.text, "the first answer again")
            let price = try #require(first.object["amount_minor"] as? Int)
            #expect(try await Self.balance(client, me.headers, account) == 100_000 - price, "charged once")
            #expect(try await client.send(.post, "/api/bookings/\(first.object["booking_id"] as? String ?? "")/pay", headers: me.headers).object["status"] as? String == "confirmed",
                    "paying a bought booking again changes nothing")
            #expect(try await Self.balance(client, me.headers, account) == 100_000 - price)
        }
        #expect(try await MoneyCheck.violations(server.database).isEmpty)
    }

    @Test("ten funded buyers buy one seat at once: one confirmed, nine 409, one charge", arguments: TestBackend.all)
    func contested(backend: TestBackend) async throws {
        let server = try await TestServer.make(backend)
        defer { server.remove() }
        try await server.run { client in
            var buyers: [(HTTPFields, String)] = []
            for _ in 0 ..< 10 {
                let buyer = try await client.guest()
                buyers.append((buyer.headers, try await Self.wallet(client, buyer.headers, funds: 100_000)))
            }
            let answers = try await withThrowingTaskGroup(of: (Int, String?, Int?).self) { group in
                for (headers, _) in buyers {
                    group.addTask {
                        let answer = try await client.send(.post, "/api/book/safe", json: #"{"seat_id": 60, "pay": true}"#, headers: headers)
                        return (Int(answer.status.code), answer.object["status"] as? String, answer.object["amount_minor"] as? Int)
                    }
                }
                return try await group.reduce(into: [(Int, String?, Int?)]()) { $0.append($1) }
            }
            let confirmed = answers.filter { $0.0 == 200 && $0.1 == "confirmed" }
            #expect(confirmed.count == 1, "\(answers)")
            #expect(answers.filter { $0.0 == 409 }.count == 9, "\(answers)")
            var spent = 0
            for (headers, account) in buyers { spent += 100_000 - (try await Self.balance(client, headers, account)) }
            #expect(spent == confirmed.first?.2, "one charge, the seat's price")
        }
        #expect(try await MoneyCheck.violations(server.database).isEmpty)
    }

    /// Opens a wallet for the token and deposits `funds`; returns its id.
    static func wallet(_ client: some TestClientProtocol, _ headers: HTTPFields, funds: Int) async throws -> String {
        let account = try #require(try await client.send(.post, "/api/accounts", json: "{}", headers: headers).object["id"] as? String)
        _ = try await client.send(.post, "/api/accounts/\(account)/deposits", json: #"{"amount_minor": \#(funds)}"#, headers: headers)
        return account
    }

    /// The wallet's balance.
    static func balance(_ client: some TestClientProtocol, _ headers: HTTPFields, _ account: String) async throws -> Int {
        try #require(try await client.send(.get, "/api/accounts/\(account)", headers: headers).object["balance_minor"] as? Int)
    }
}
