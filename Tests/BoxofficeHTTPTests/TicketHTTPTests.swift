import BoxofficeHTTP
import BoxofficeTestSupport
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Testing

@Suite("Tickets and check-in over HTTP")
struct TicketHTTPTests {
    static let eventJSON = #"""
    {"title": "Door night", "venue": "Hall", "starts_at": "2031-01-01T20:00:00Z", "sales_start": "2020-01-01T00:00:00Z",
     "sales_end": "2031-01-01T18:00:00Z", "currency": "EUR", "categories": [{"id": "front", "name": "Front", "price_minor": 1000}],
     "seat_map": {"sections": [{"name": "Stalls", "rows": [{"rows": "A-C", "seats": "1-10", "category": "front"}]}]},
     "ga_pools": [{"name": "Standing", "price_minor": 500, "capacity": 50}]}
    """#

    /// A customer with money, an event, and a paid booking of two seats and two standing tickets.
    struct Sale {
        let event: Int
        let firstSeat: Int
        let buyer: HTTPFields
        let booking: String
        let tickets: [[String: Any]]
    }

    static func sale(_ client: some TestClientProtocol, email: String = "buyer@example.test", cutoff: String? = nil) async throws -> Sale {
        let json = cutoff.map { eventJSON.replacingOccurrences(of: #""currency": "EUR","#, with: #""currency": "EUR", "cancellation_cutoff": "\#($0)","#) } ?? eventJSON
        let created = try await client.send(.post, "/api/events", json: json, headers: client.organizer)
        let event = try #require(created.object["id"] as? Int)
        let pool = try #require((created.object["ga_pools"] as? [[String: Any]])?.first?["id"] as? Int)
        let sections = try #require(try await client.send(.get, "/api/events/\(event)/seats").object["sections"] as? [[String: Any]])
        let firstSeat = try #require(((sections.first?["rows"] as? [[String: Any]])?.first?["first_seat_id"]) as? Int)
        let grant = try await client.send(.post, "/api/auth/signup", json: #"{"email": "\#(email)", "password": "a-password-1"}"#)
        let buyer: HTTPFields = [.authorization: "Bearer \(try #require(grant.object["access_token"] as? String))"]
        let account = try #require(try await client.send(.post, "/api/accounts", json: #"{"currency": "EUR"}"#, headers: buyer).object["id"] as? String)
        _ = try await client.send(.post, "/api/accounts/\(account)/deposits", json: #"{"amount_minor": 100000}"#, headers: buyer)
        let held = try await client.send(
            .post, "/api/bookings", json: #"{"event_id": \#(event), "seat_ids": [\#(firstSeat + 2), \#(firstSeat)], "ga": [{"pool_id": \#(pool), "quantity": 2}]}"#,
            headers: buyer
        )
        let booking = try #require(held.object["id"] as? String, "\(held.text)")
        let early = try await client.send(.get, "/api/bookings/\(booking)/tickets", headers: buyer)
        #expect(early.status == .conflict && early.object["type"] as? String == "https://boxoffice.dev/problems/tickets-not-issued", "\(early.text)")
        let paid = try await client.send(.post, "/api/bookings/\(booking)/pay", headers: buyer)
        #expect(paid.object["status"] as? String == "confirmed", "\(paid.text)")
        let tickets = try await client.send(.get, "/api/bookings/\(booking)/tickets", headers: buyer)
        #expect(tickets.status == .ok, "\(tickets.text)")
        return Sale(event: event, firstSeat: firstSeat, buyer: buyer, booking: booking, tickets: tickets.array)
    }

    static func scan(
        _ client: some TestClientProtocol, event: Int, secret: String, nonce: String = UUID().uuidString, gate: String = "north", headers: HTTPFields
    ) async throws -> [String: Any] {
        let reply = try await client.send(
            .post, "/api/events/\(event)/checkins", json: #"{"secret": "\#(secret)", "nonce": "\#(nonce)", "gate": "\#(gate)"}"#, headers: headers
        )
        #expect(reply.status == .ok, "\(reply.text)")
        return reply.object
    }

    @Test("a paid booking's tickets: one per seat and GA ticket, labelled, with a signed secret its QR code carries", arguments: TestBackend.all)
    func tickets(backend: TestBackend) async throws {
        let server = try await TestServer.make(backend)
        defer { server.remove() }
        try await server.run { client in
            let sale = try await Self.sale(client)
            #expect(sale.tickets.count == 4)
            #expect(sale.tickets.map { $0["id"] as? String } == (1 ... 4).map { "\(sale.booking).\($0)" })
            let first = sale.tickets[0]
            let seat = try #require(first["seat"] as? [String: Any])
            #expect(seat["section"] as? String == "Stalls" && seat["row"] as? String == "A" && seat["number"] as? Int == 3, "seats in the order booked")
            #expect(first["category"] as? String == "Front" && first["price_minor"] as? Int == 1000 && first["holder"] as? String == "buyer@example.test")
            #expect(first["status"] as? String == "valid" && first["version"] as? Int == 1 && first["event_title"] as? String == "Door night")
            #expect((sale.tickets[3]["pool"] as? [String: Any])?["name"] as? String == "Standing" && sale.tickets[3]["seat"] == nil)
            let secrets = Set(sale.tickets.compactMap { $0["secret"] as? String })
            #expect(secrets.count == 4)

            let id = try #require(first["id"] as? String)
            #expect(try await client.send(.get, "/api/tickets/\(id)", headers: sale.buyer).object["secret"] as? String == first["secret"] as? String)
            let svg = try await client.send(.get, "/api/tickets/\(id)/qr.svg", headers: sale.buyer)
            #expect(svg.status == .ok && svg.headers[.contentType] == "image/svg+xml" && svg.text.hasPrefix("<svg"))
            let png = try await client.send(.get, "/api/tickets/\(id)/qr.png", headers: sale.buyer)
            #expect(png.status == .ok && png.headers[.contentType] == "image/png")
            #expect(try ZBar.read(png: Array(png.body.readableBytesView)) == first["secret"] as? String, "zbarimg reads the secret back")

            let stranger = try await client.guest()
            #expect(try await client.send(.get, "/api/tickets/\(id)", headers: stranger.headers).status == .notFound)
            #expect(try await client.send(.get, "/api/bookings/\(sale.booking)/tickets", headers: stranger.headers).status == .notFound)
            #expect(try await client.send(.get, "/api/tickets/\(sale.booking).9", headers: sale.buyer).status == .notFound)
            #expect(try await client.send(.get, "/api/tickets/nonsense", headers: sale.buyer).status == .notFound)

            let booking = try await client.send(.get, "/api/bookings/\(sale.booking)", headers: sale.buyer).object
            #expect((booking["event"] as? [String: Any])?["starts_at"] as? String == "2031-01-01T20:00:00Z")
            #expect((booking["seats"] as? [[String: Any]])?.map { "\($0["row"] ?? "")\($0["number"] ?? "")" } == ["A3", "A1"])
            #expect((booking["ga"] as? [[String: Any]])?.first?["name"] as? String == "Standing")

            let key = try await client.send(.get, "/api/events/\(sale.event)/tickets/key").object
            #expect(key["algorithm"] as? String == "Ed25519" && (key["public_key"] as? String)?.count == 43)
        }
    }

    @Test("each ticket is admitted once: a second scan says where and when, a retried upload is admitted again, a forgery is invalid", arguments: TestBackend.all)
    func admittedOnce(backend: TestBackend) async throws {
        let server = try await TestServer.make(backend)
        defer { server.remove() }
        try await server.run { client in
            let sale = try await Self.sale(client)
            let secret = try #require(sale.tickets[0]["secret"] as? String)
            let first = try await Self.scan(client, event: sale.event, secret: secret, nonce: "scan-1", gate: "north", headers: client.organizer)
            #expect(first["result"] as? String == "admitted" && ((first["ticket"] as? [String: Any])?["seat"] as? [String: Any])?["row"] as? String == "A")
            let retried = try await Self.scan(client, event: sale.event, secret: secret, nonce: "scan-1", gate: "north", headers: client.organizer)
            #expect(retried["result"] as? String == "admitted", "the same upload again")
            let again = try await Self.scan(client, event: sale.event, secret: secret, nonce: "scan-2", gate: "south", headers: client.organizer)
            #expect(again["result"] as? String == "already_checked_in" && again["gate"] as? String == "north" && again["checked_in_at"] is String, "\(again)")

            var forged = Array(secret)
            forged[forged.count - 3] = forged[forged.count - 3] == "A" ? "B" : "A"
            #expect(try await Self.scan(client, event: sale.event, secret: String(forged), headers: client.organizer)["result"] as? String == "invalid")
            #expect(try await Self.scan(client, event: sale.event, secret: "hello", headers: client.organizer)["result"] as? String == "invalid")

            let other = try #require(try await client.send(.post, "/api/events", json: Self.eventJSON, headers: client.organizer).object["id"] as? Int)
            let elsewhere = try await Self.scan(client, event: other, secret: try #require(sale.tickets[1]["secret"] as? String), headers: client.organizer)
            #expect(elsewhere["result"] as? String == "invalid" && (elsewhere["reason"] as? String ?? "").contains("another event"))

            // A ticket given a new secret: the old one is revoked, the new one admits.
            let id = try #require(sale.tickets[1]["id"] as? String)
            let reissued = try await client.send(.post, "/api/tickets/\(id)/reissue", headers: sale.buyer).object
            #expect(reissued["version"] as? Int == 2)
            #expect(try await Self.scan(client, event: sale.event, secret: try #require(sale.tickets[1]["secret"] as? String), headers: client.organizer)["result"] as? String == "revoked")
            #expect(try await Self.scan(client, event: sale.event, secret: try #require(reissued["secret"] as? String), headers: client.organizer)["result"] as? String == "admitted")

            // A refunded booking's tickets are revoked (set in the database: refunds of confirmed bookings come with the back office).
            _ = try await server.database.rows("UPDATE bookings SET status = 'refunded' WHERE id = '\(sale.booking)'")
            let refunded = try await Self.scan(client, event: sale.event, secret: try #require(sale.tickets[2]["secret"] as? String), headers: client.organizer)
            #expect(refunded["result"] as? String == "revoked", "\(refunded)")

            let counts = try await client.send(.get, "/api/events/\(sale.event)/checkins", headers: client.organizer).object
            #expect(counts["expected"] as? Int == 4 && counts["checked_in"] as? Int == 2, "\(counts)")
            #expect((counts["gates"] as? [[String: Any]])?.map { $0["gate"] as? String } == ["north"])
            let offline = try await client.send(.get, "/api/events/\(sale.event)/checkins/offline", headers: client.organizer).object
            #expect(offline["revoked_bookings"] as? [String] == [sale.booking])
            #expect(Set(offline["checked_in"] as? [String] ?? []) == ["\(sale.booking).1", "\(sale.booking).2"])
            #expect((offline["reissued"] as? [[String: Any]])?.first?["version"] as? Int == 2)
        }
    }

    @Test("scans are answered on the event loop as the route answers them; one it would not answer the same way goes to the route", arguments: TestBackend.all)
    func onTheEventLoop(backend: TestBackend) async throws {
        let server = try await TestServer.make(backend)
        defer { server.remove() }
        try await server.runOverSockets { client, count in
            let sale = try await Self.sale(client)
            let secret = try #require(sale.tickets[0]["secret"] as? String)
            let before = count.value
            let first = try await Self.scan(client, event: sale.event, secret: secret, nonce: "e1", gate: "east", headers: client.organizer)
            #expect(first["result"] as? String == "admitted" && ((first["ticket"] as? [String: Any])?["seat"] as? [String: Any])?["row"] as? String == "A")
            let again = try await Self.scan(client, event: sale.event, secret: secret, nonce: "e2", headers: client.organizer)
            #expect(again["result"] as? String == "already_checked_in" && again["gate"] as? String == "east")
            #expect(try await Self.scan(client, event: sale.event, secret: "forged", headers: client.organizer)["result"] as? String == "invalid")
            #expect(count.value == before + 3, "answered on the event loop")

            let dated = try await client.send(
                .post, "/api/events/\(sale.event)/checkins",
                json: #"{"secret": "\#(secret)", "nonce": "e3", "scanned_at": "2030-01-01T20:00:00Z"}"#, headers: client.organizer
            )
            #expect(dated.object["result"] as? String == "already_checked_in" && dated.object["gate"] as? String == "east", "\(dated.text)")
            let empty = try await client.send(.post, "/api/events/\(sale.event)/checkins", json: #"{"secret": "\#(secret)", "nonce": ""}"#, headers: client.organizer)
            #expect(empty.status == .unprocessableContent)
            let stranger = try await client.guest()
            #expect(try await client.send(.post, "/api/events/\(sale.event)/checkins", json: #"{"secret": "x", "nonce": "n"}"#, headers: stranger.headers).status == .forbidden)
            #expect(count.value == before + 3, "a dated scan, a bad nonce and a stranger's scan went to the route")
        }
    }

    @Test("door staff scan for their event only; customers may not scan at all", arguments: TestBackend.all)
    func staff(backend: TestBackend) async throws {
        let server = try await TestServer.make(backend)
        defer { server.remove() }
        try await server.run { client in
            let sale = try await Self.sale(client)
            let grant = try await client.send(.post, "/api/auth/signup", json: #"{"email": "door@example.test", "password": "a-password-1"}"#)
            let door: HTTPFields = [.authorization: "Bearer \(try #require(grant.object["access_token"] as? String))"]
            let identity = try #require(try await client.send(.get, "/api/auth/me", headers: door).object["id"] as? String)
            let body = #"{"secret": "\#(try #require(sale.tickets[0]["secret"] as? String))", "nonce": "n1"}"#
            #expect(try await client.send(.post, "/api/events/\(sale.event)/checkins", json: body, headers: door).status == .forbidden)
            #expect(try await client.send(.post, "/api/events/\(sale.event)/checkins", json: body, headers: sale.buyer).status == .forbidden, "not even the holder")
            #expect(try await client.send(.post, "/api/events/\(sale.event)/checkins", json: body).status == .unauthorized)

            #expect(try await client.send(.post, "/api/events/\(sale.event)/staff", json: #"{"email": "door@example.test"}"#, headers: door).status == .forbidden)
            let unknown = try await client.send(.post, "/api/events/\(sale.event)/staff", json: #"{"email": "nobody@example.test"}"#, headers: client.organizer)
            #expect(unknown.status == .notFound && unknown.object["type"] as? String == "https://boxoffice.dev/problems/no-such-account")
            let added = try await client.send(.post, "/api/events/\(sale.event)/staff", json: #"{"email": "Door@Example.test"}"#, headers: client.organizer)
            #expect(added.status == .created && added.object["identity"] as? String == identity, "\(added.text)")
            #expect(try await client.send(.get, "/api/events/\(sale.event)/staff", headers: client.organizer).array.map { $0["email"] as? String } == ["door@example.test"])

            let scanned = try await client.send(.post, "/api/events/\(sale.event)/checkins", json: body, headers: door)
            #expect(scanned.status == .ok && scanned.object["result"] as? String == "admitted", "\(scanned.text)")
            #expect(try await client.send(.post, "/api/events/\(sale.event)/checkins", json: body, headers: door).object["result"] as? String == "admitted",
                    "the same scanner's retry")
            let sameNonce = try await client.send(.post, "/api/events/\(sale.event)/checkins", json: body, headers: client.organizer)
            #expect(sameNonce.object["result"] as? String == "already_checked_in", "another scanner with the same nonce is another scan: \(sameNonce.text)")
            #expect(try await client.send(.get, "/api/events/\(sale.event)/checkins/offline", headers: door).status == .ok)
            let other = try #require(try await client.send(.post, "/api/events", json: Self.eventJSON, headers: client.organizer).object["id"] as? Int)
            #expect(try await client.send(.post, "/api/events/\(other)/checkins", json: body, headers: door).status == .forbidden, "another event's door")

            #expect(try await client.send(.delete, "/api/events/\(sale.event)/staff/\(identity)", headers: client.organizer).status == .noContent)
            #expect(try await client.send(.delete, "/api/events/\(sale.event)/staff/\(identity)", headers: client.organizer).status == .notFound)
            #expect(try await client.send(.post, "/api/events/\(sale.event)/checkins", json: body, headers: door).status == .forbidden, "removed")
        }
    }

    @Test("bad check-in bodies are refused with a 4xx and change nothing", arguments: TestBackend.all)
    func badBodies(backend: TestBackend) async throws {
        let server = try await TestServer.make(backend)
        defer { server.remove() }
        try await server.run { client in
            let sale = try await Self.sale(client)
            let secret = try #require(sale.tickets[0]["secret"] as? String)
            for body in [
                "", "{}", #"{"secret": "\#(secret)"}"#, #"{"secret": "\#(secret)", "nonce": ""}"#, #"{"secret": 5, "nonce": "a"}"#,
                #"{"secret": "\#(secret)", "nonce": "\#(String(repeating: "n", count: 101))"}"#,
                #"{"secret": "\#(secret)", "nonce": "a", "gate": "\#(String(repeating: "g", count: 65))"}"#,
                #"{"secret": "\#(secret)", "nonce": "a", "scanned_at": "yesterday"}"#,
            ] {
                let reply = try await client.send(.post, "/api/events/\(sale.event)/checkins", json: body, headers: client.organizer)
                #expect((400 ..< 500).contains(reply.status.code), "\(body): \(reply.status.code) \(reply.text)")
            }
            let array = try await client.send(.post, "/api/events/\(sale.event)/checkins", json: "[]", headers: client.organizer)
            #expect(array.status == .badRequest && (array.object["detail"] as? String ?? "").contains("must be an object"), "\(array.text)")
            let date = try await client.send(
                .post, "/api/events/\(sale.event)/checkins", json: #"{"secret": "x", "nonce": "a", "scanned_at": "yesterday"}"#, headers: client.organizer
            )
            #expect(date.status == .badRequest && (date.object["detail"] as? String ?? "").contains("ISO 8601"), "\(date.text)")
            #expect(try await client.send(.post, "/api/events/999/checkins", json: #"{"secret": "x", "nonce": "a"}"#, headers: client.organizer).status == .notFound)
            let counts = try await client.send(.get, "/api/events/\(sale.event)/checkins", headers: client.organizer).object
            #expect(counts["checked_in"] as? Int == 0)
        }
    }
}
