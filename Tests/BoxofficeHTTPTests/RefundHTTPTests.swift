import BoxofficeHTTP
import BoxofficeTestSupport
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Testing

/// Refunds and customers' cancellations over HTTP, on both backends: the money goes back once, the refunded tickets stop
/// admitting, the seats go back on sale or stay blocked, and the history says what happened.
@Suite("Refunds and cancellations over HTTP")
struct RefundHTTPTests {
    /// The buyer's wallet balance.
    static func balance(_ client: some TestClientProtocol, _ headers: HTTPFields) async throws -> Int {
        try #require(try await client.send(.get, "/api/accounts", headers: headers).object["balance_minor"] as? Int)
    }

    /// Waits until the booking's refunds all read credited (the payment service answered), then returns the history.
    static func credited(_ client: some TestClientProtocol, booking: String, count: Int) async throws -> [String: Any] {
        for _ in 0 ..< 200 {
            let history = try await client.send(.get, "/api/bookings/\(booking)/history", headers: client.organizer).object
            let refunds = history["refunds"] as? [[String: Any]] ?? []
            if refunds.count == count, refunds.allSatisfy({ $0["status"] as? String == "credited" }) { return history }
            try await Task.sleep(for: .milliseconds(25))
        }
        Issue.record("the refunds of \(booking) were not credited")
        return [:]
    }

    @Test("an organizer refunds two tickets kept off sale, one back on sale, then the last (let in, so kept): the money comes back once each, tickets stop admitting", arguments: TestBackend.all)
    func partialThenWhole(backend: TestBackend) async throws {
        let server = try await TestServer.make(backend)
        defer { server.remove() }
        try await server.run { client in
            let sale = try await TicketHTTPTests.sale(client)
            #expect(try await Self.balance(client, sale.buyer) == 97_000)
            let secrets = sale.tickets.compactMap { $0["secret"] as? String }

            // Ticket 1 (seat A3, 10.00) and ticket 3 (standing, 5.00), kept off sale.
            let first = try await client.send(.post, "/api/bookings/\(sale.booking)/refund", json: #"{"tickets": [3, 1], "seats": "block"}"#, headers: client.organizer)
            #expect(first.status == .created, "\(first.text)")
            #expect(first.object["amount_minor"] as? Int == 1500 && first.object["tickets"] as? [Int] == [1, 3] && first.object["seats"] as? String == "blocked")
            let again = try await client.send(.post, "/api/bookings/\(sale.booking)/refund", json: #"{"tickets": [1, 3], "seats": "block"}"#, headers: client.organizer)
            #expect(again.status == .ok && again.object["id"] as? String == first.object["id"] as? String, "the same request again: the same refund")
            let overlap = try await client.send(.post, "/api/bookings/\(sale.booking)/refund", json: #"{"tickets": [1, 2]}"#, headers: client.organizer)
            #expect(overlap.status == .conflict && overlap.object["type"] as? String == "https://boxoffice.dev/problems/already-refunded", "\(overlap.text)")
            _ = try await Self.credited(client, booking: sale.booking, count: 1)
            #expect(try await Self.balance(client, sale.buyer) == 98_500)

            #expect(try await TicketHTTPTests.scan(client, event: sale.event, secret: secrets[0], headers: client.organizer)["result"] as? String == "revoked")
            #expect(try await TicketHTTPTests.scan(client, event: sale.event, secret: secrets[3], headers: client.organizer)["result"] as? String == "admitted")
            let tickets = try await client.send(.get, "/api/bookings/\(sale.booking)/tickets", headers: sale.buyer).array
            #expect(tickets.map { $0["status"] as? String } == ["revoked", "valid", "revoked", "valid"])
            #expect(try await client.send(.get, "/api/bookings/\(sale.booking)", headers: sale.buyer).object["status"] as? String == "confirmed")
            let offline = try await client.send(.get, "/api/events/\(sale.event)/checkins/offline", headers: client.organizer).object
            #expect(Set(offline["refunded_tickets"] as? [String] ?? []) == ["\(sale.booking).1", "\(sale.booking).3"])

            // The blocked seat stays off sale.
            let other = try await client.guest()
            let blocked = try await client.send(.post, "/api/book/safe", json: #"{"seat_id": \#(sale.firstSeat + 2), "user_identifier": "x"}"#, headers: other.headers)
            #expect(blocked.status == .conflict, "\(blocked.text)")

            // The rest back on sale: refused, ticket 4 (standing) was let in. Seat A1 (10.00) back on sale; then ticket 4 (5.00), kept.
            let refused = try await client.send(.post, "/api/bookings/\(sale.booking)/refund", headers: client.organizer)
            #expect(refused.status == .conflict && refused.object["type"] as? String == "https://boxoffice.dev/problems/checked-in", "\(refused.text)")
            let second = try await client.send(.post, "/api/bookings/\(sale.booking)/refund", json: #"{"tickets": [2]}"#, headers: client.organizer)
            #expect(second.status == .created && second.object["amount_minor"] as? Int == 1000 && second.object["seats"] as? String == "released", "\(second.text)")
            let rest = try await client.send(.post, "/api/bookings/\(sale.booking)/refund", json: #"{"seats": "block"}"#, headers: client.organizer)
            #expect(rest.status == .created && rest.object["amount_minor"] as? Int == 500 && rest.object["tickets"] as? [Int] == [4], "\(rest.text)")
            #expect(try await client.send(.get, "/api/bookings/\(sale.booking)", headers: sale.buyer).object["status"] as? String == "refunded")
            let history = try await Self.credited(client, booking: sale.booking, count: 3)
            #expect(try await Self.balance(client, sale.buyer) == 100_000)
            let kinds = (history["history"] as? [[String: Any]] ?? []).compactMap { $0["kind"] as? String }
            #expect(kinds.first == "held" && kinds.contains("payment_requested") && kinds.contains("confirmed") && kinds.contains("checked_in"), "\(kinds)")
            #expect(kinds.filter { $0 == "refund_requested" }.count == 3 && kinds.filter { $0 == "refunded" }.count == 3, "\(kinds)")
            #expect(history["customer_email"] as? String == "buyer@example.test")
            let retaken = try await client.send(.post, "/api/book/safe", json: #"{"seat_id": \#(sale.firstSeat), "user_identifier": "x"}"#, headers: other.headers)
            #expect(retaken.status == .ok, "the released seat can be held again: \(retaken.text)")
            let whole = try await client.send(.post, "/api/bookings/\(sale.booking)/refund", json: #"{"seats": "block"}"#, headers: client.organizer)
            #expect(whole.status == .ok && whole.object["id"] as? String == rest.object["id"] as? String, "a whole refund again: the last refund")

            #expect(try await MoneyCheck.violations(server.database) == [])
            let payment = try await client.send(.get, "/api/payments/\(sale.booking)", headers: client.organizer).object
            #expect(payment["status"] as? String == "refunded" && payment["refunded_minor"] as? Int == 3000, "\(payment)")
            let ledger = (payment["ledger"] as? [[String: Any]] ?? []).map { "\($0["kind"] ?? "") \($0["amount_minor"] ?? "")" }
            #expect(ledger == ["charge -3000", "refund 1500", "refund 1000", "refund 500"], "each refund credited once")
            #expect(try await client.send(.get, "/api/payments/\(sale.booking)", headers: sale.buyer).status == .ok)
            #expect(try await client.send(.get, "/api/payments/\(sale.booking)", headers: other.headers).status == .notFound)
        }
    }

    @Test("refusals change nothing: a customer may not refund, bad tickets, bad bodies, unknown or unpaid bookings", arguments: TestBackend.all)
    func refusals(backend: TestBackend) async throws {
        let server = try await TestServer.make(backend)
        defer { server.remove() }
        try await server.run { client in
            let sale = try await TicketHTTPTests.sale(client)
            let path = "/api/bookings/\(sale.booking)/refund"
            #expect(try await client.send(.post, path, headers: sale.buyer).status == .forbidden)
            #expect(try await client.send(.post, path, json: #"{"tickets": [5]}"#, headers: client.organizer).status == .notFound)
            #expect(try await client.send(.post, path, json: #"{"tickets": [0]}"#, headers: client.organizer).status == .notFound)
            #expect(try await client.send(.post, path, json: #"{"tickets": []}"#, headers: client.organizer).status == .unprocessableContent)
            #expect(try await client.send(.post, path, json: #"{"seats": "maybe"}"#, headers: client.organizer).status == .unprocessableContent)
            #expect(try await client.send(.post, path, json: #"{"tickets": "all"}"#, headers: client.organizer).status == .badRequest)
            let fraction = try await client.send(.post, path, json: #"{"tickets": [1.5]}"#, headers: client.organizer)
            #expect(fraction.status == .badRequest && (fraction.object["detail"] as? String ?? "").contains("whole number"), "\(fraction.text)")
            #expect(try await client.send(.post, path, json: "{", headers: client.organizer).status == .badRequest)
            #expect(try await client.send(.post, "/api/bookings/\(UUID().uuidString.lowercased())/refund", headers: client.organizer).status == .notFound)
            #expect(try await client.send(.post, "/api/bookings/nonsense/refund", headers: client.organizer).status == .notFound)
            let held = try await client.send(.post, "/api/book/safe", json: #"{"seat_id": \#(sale.firstSeat + 5), "user_identifier": "x"}"#, headers: sale.buyer)
            let unpaid = try #require(held.object["booking_id"] as? String, "\(held.text)")
            let refused = try await client.send(.post, "/api/bookings/\(unpaid)/refund", headers: client.organizer)
            #expect(refused.status == .conflict && refused.object["type"] as? String == "https://boxoffice.dev/problems/not-refundable", "\(refused.text)")
            #expect(try await server.database.count("SELECT CAST(COUNT(*) AS TEXT) FROM refunds") == 0)
            #expect(try await client.send(.get, "/api/bookings/\(sale.booking)", headers: sale.buyer).object["status"] as? String == "confirmed")
        }
    }

    @Test("a customer cancels their own paid booking before the cutoff and gets the money back; without a cutoff, or past it, they may not", arguments: TestBackend.all)
    func customerCancels(backend: TestBackend) async throws {
        let server = try await TestServer.make(backend)
        defer { server.remove() }
        try await server.run { client in
            let closed = try await TicketHTTPTests.sale(client)
            let refused = try await client.send(.post, "/api/bookings/\(closed.booking)/cancel", headers: closed.buyer)
            #expect(refused.status == .conflict && refused.object["type"] as? String == "https://boxoffice.dev/problems/cancellation-closed", "\(refused.text)")

            let open = try await TicketHTTPTests.sale(client, email: "early@example.test", cutoff: "2030-12-31T00:00:00Z")
            let stranger = try await client.guest()
            #expect(try await client.send(.post, "/api/bookings/\(open.booking)/cancel", headers: stranger.headers).status == .notFound)
            #expect(try await client.send(.post, "/api/bookings/\(open.booking)/cancel", headers: client.organizer).status == .notFound, "the owner's alone")
            let cancelled = try await client.send(.post, "/api/bookings/\(open.booking)/cancel", headers: open.buyer)
            #expect(cancelled.status == .created && cancelled.object["amount_minor"] as? Int == 3000 && cancelled.object["cause"] as? String == "customer", "\(cancelled.text)")
            #expect(try await client.send(.post, "/api/bookings/\(open.booking)/cancel", headers: open.buyer).status == .ok, "again: the same refund")
            _ = try await Self.credited(client, booking: open.booking, count: 1)
            #expect(try await Self.balance(client, open.buyer) == 100_000)
            #expect(try await client.send(.get, "/api/bookings/\(open.booking)", headers: open.buyer).object["status"] as? String == "refunded")

            let inside = try await TicketHTTPTests.sale(client, email: "inside@example.test", cutoff: "2030-12-31T00:00:00Z")
            _ = try await TicketHTTPTests.scan(client, event: inside.event, secret: try #require(inside.tickets[1]["secret"] as? String), headers: client.organizer)
            let used = try await client.send(.post, "/api/bookings/\(inside.booking)/cancel", headers: inside.buyer)
            #expect(used.status == .conflict && used.object["type"] as? String == "https://boxoffice.dev/problems/checked-in", "a ticket let in cannot be cancelled: \(used.text)")
            let release = try await client.send(.post, "/api/bookings/\(inside.booking)/refund", json: #"{"tickets": [2]}"#, headers: client.organizer)
            #expect(release.status == .conflict, "its seat is taken: \(release.text)")
            let block = try await client.send(.post, "/api/bookings/\(inside.booking)/refund", json: #"{"tickets": [2], "seats": "block"}"#, headers: client.organizer)
            #expect(block.status == .created, "the organizer may still refund it, seat kept: \(block.text)")

            let past = try await TicketHTTPTests.sale(client, email: "late@example.test", cutoff: "2021-01-01T00:00:00Z")
            #expect(try await client.send(.post, "/api/bookings/\(past.booking)/cancel", headers: past.buyer).status == .conflict)
            #expect(try await MoneyCheck.violations(server.database) == [])
        }
    }

    @Test("orders: search by email, booking id and seat label, filter by status and category, page through; organizers only", arguments: TestBackend.all)
    func orders(backend: TestBackend) async throws {
        let server = try await TestServer.make(backend)
        defer { server.remove() }
        try await server.run { client in
            let sale = try await TicketHTTPTests.sale(client, email: "Ada.Lovelace@example.test")
            let guest = try await client.guest()
            let held = try await client.send(.post, "/api/book/safe", json: #"{"seat_id": \#(sale.firstSeat + 11), "user_identifier": "x"}"#, headers: guest.headers)
            let hold = try #require(held.object["booking_id"] as? String, "\(held.text)")
            let path = "/api/events/\(sale.event)/bookings"
            func ids(_ query: String) async throws -> [String] {
                let page = try await client.send(.get, path + query, headers: client.organizer)
                #expect(page.status == .ok, "\(page.text)")
                return (page.object["orders"] as? [[String: Any]] ?? []).compactMap { ($0["booking"] as? [String: Any])?["id"] as? String }
            }
            #expect(try await ids("") == [hold, sale.booking], "newest first")
            #expect(try await ids("?q=lovelace") == [sale.booking])
            #expect(try await ids("?q=\(sale.booking.prefix(8))") == [sale.booking])
            #expect(try await ids("?q=\(sale.booking)") == [sale.booking])
            #expect(try await ids("?q=Stalls%20A%203") == [sale.booking])
            #expect(try await ids("?q=Stalls+A+3") == [sale.booking], "a form's spaces")
            #expect(try await ids("?q=stalls%20row%20B%20seat%202") == [hold])
            #expect(try await ids("?q=Stalls%20C%209") == [])
            #expect(try await ids("?status=held") == [hold])
            #expect(try await ids("?status=confirmed,refunded") == [sale.booking])
            #expect(try await ids("?category=standing") == [sale.booking])
            #expect(try await ids("?from=2020-01-01&to=2020-01-02") == [])
            let first = try await client.send(.get, path + "?limit=1", headers: client.organizer).object
            let next = try #require(first["next"] as? String)
            #expect(try await ids("?limit=1&after=\(next)") == [sale.booking])
            let last = try await client.send(.get, path + "?limit=1&after=\(next)", headers: client.organizer).object
            #expect(last["next"] == nil, "no next after the last page: \(last)")
            #expect(try await client.send(.get, "/api/orders?q=lovelace", headers: client.organizer).object["orders"].map { ($0 as? [Any])?.count } == 1)
            let line = try #require((try await client.send(.get, path + "?q=lovelace", headers: client.organizer).object["orders"] as? [[String: Any]])?.first)
            #expect(line["customer_email"] as? String == "ada.lovelace@example.test" || line["customer_email"] as? String == "Ada.Lovelace@example.test")

            #expect(try await client.send(.get, path, headers: sale.buyer).status == .forbidden)
            #expect(try await client.send(.get, "/api/orders", headers: sale.buyer).status == .forbidden)
            #expect(try await client.send(.get, path + "?status=lost", headers: client.organizer).status == .badRequest)
            #expect(try await client.send(.get, path + "?limit=0", headers: client.organizer).status == .badRequest)
            #expect(try await client.send(.get, path + "?after=nope", headers: client.organizer).status == .badRequest)
            #expect(try await client.send(.get, path + "?from=yesterday", headers: client.organizer).status == .badRequest)
            #expect(try await client.send(.get, path + "?q=%00%01", headers: client.organizer).status == .badRequest)
            #expect(try await client.send(.get, "/api/events/999999/bookings", headers: client.organizer).status == .notFound)

            let own = try await client.send(.get, "/api/bookings/\(sale.booking)/history", headers: sale.buyer)
            #expect(own.status == .ok && (own.object["history"] as? [[String: Any]])?.first?["kind"] as? String == "held")
            #expect(try await client.send(.get, "/api/bookings/\(sale.booking)/history", headers: guest.headers).status == .notFound)
        }
    }

    @Test("the CSV export: one line per ticket of paid bookings, refunded and checked-in ones marked; organizers only", arguments: TestBackend.all)
    func export(backend: TestBackend) async throws {
        let server = try await TestServer.make(backend)
        defer { server.remove() }
        try await server.run { client in
            let sale = try await TicketHTTPTests.sale(client)
            let other = try await TicketHTTPTests.sale(client, email: "second@example.test")
            _ = try await client.send(.post, "/api/bookings/\(sale.booking)/refund", json: #"{"tickets": [3]}"#, headers: client.organizer)
            _ = try await TicketHTTPTests.scan(client, event: sale.event, secret: try #require(sale.tickets[0]["secret"] as? String), gate: "west", headers: client.organizer)
            let csv = try await client.send(.get, "/api/events/\(sale.event)/export.csv", headers: client.organizer)
            #expect(csv.status == .ok && csv.headers[.contentType] == "text/csv; charset=utf-8", "\(csv.text)")
            #expect(csv.headers[.contentDisposition] == "attachment; filename=\"event-\(sale.event)-tickets.csv\"")
            #expect(Array(csv.body.readableBytesView.prefix(3)) == [0xEF, 0xBB, 0xBF], "UTF-8 with a byte order mark")
            let lines = csv.text.dropFirst().components(separatedBy: "\r\n").dropLast()
            #expect(lines.count == 5 && lines.first?.hasPrefix("booking,ticket,customer_email") == true, "\(lines)")
            let mine = lines.filter { $0.hasPrefix(sale.booking) }
            #expect(mine.count == 4)
            #expect(mine[0].contains(",buyer@example.test,") && mine[0].contains(",Stalls row A seat 3,Stalls,A,3,Front,10.00,EUR,valid,") && mine[0].contains(",west,"))
            #expect(mine[2].contains(",Standing,5.00,EUR,refunded,"))
            #expect(lines.filter { $0.hasPrefix(other.booking) }.isEmpty, "another event's tickets are not in it")
            #expect(try await client.send(.get, "/api/events/\(sale.event)/export.csv", headers: sale.buyer).status == .forbidden)
            #expect(try await client.send(.get, "/api/events/424242/export.csv", headers: client.organizer).status == .notFound)
        }
    }
}
