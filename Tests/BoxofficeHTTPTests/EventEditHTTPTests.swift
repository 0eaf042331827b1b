import BoxofficeHTTP
import BoxofficeTestSupport
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Testing

/// An event's life as the organizer runs it: a draft only organizers see, published, edited; on both backends.
@Suite("Editing and publishing events over HTTP")
struct EventEditHTTPTests {
    static func event(status: String? = nil, cap: String = "") -> String {
        #"""
        {"title": "Draft night", "venue": "Hall", "starts_at": "2031-01-01T20:00:00Z", "currency": "EUR"\#(status.map { #", "status": "\#($0)""# } ?? "")\#(cap),
         "categories": [{"id": "std", "price_minor": 1000}],
         "seat_map": {"sections": [{"name": "Stalls", "rows": [{"rows": "A", "seats": "1-5", "category": "std"}]}]}}
        """#
    }

    /// Reads the event until `check` holds (every instance reads an edit again by itself, soon after).
    static func eventually(_ client: some TestClientProtocol, _ path: String, headers: HTTPFields = [:], _ check: ([String: Any]) -> Bool) async throws -> [String: Any] {
        var last: [String: Any] = [:]
        for _ in 0 ..< 100 {
            last = try await client.send(.get, path, headers: headers).object
            if check(last) { return last }
            try await Task.sleep(for: .milliseconds(20))
        }
        Issue.record("never: \(last)")
        return last
    }

    @Test("a draft is the organizers' alone and sells nothing; published, customers see it on sale", arguments: TestBackend.all)
    func draftThenPublished(backend: TestBackend) async throws {
        let server = try await TestServer.make(backend)
        defer { server.remove() }
        try await server.run { client in
            let created = try await client.send(.post, "/api/events", json: Self.event(status: "draft"), headers: client.organizer)
            #expect(created.status == .created && created.object["status"] as? String == "draft" && created.object["phase"] as? String == "draft", "\(created.text)")
            let id = try #require(created.object["id"] as? Int)
            let seat = try #require(created.object["first_seat_id"] as? Int)
            let guest = try await client.guest()
            #expect(!(try await client.send(.get, "/api/events").array.contains { $0["id"] as? Int == id }), "customers do not list a draft")
            #expect(try await client.send(.get, "/api/events", headers: client.organizer).array.contains { $0["id"] as? Int == id && $0["phase"] as? String == "draft" })
            #expect(try await client.send(.get, "/api/events/\(id)", headers: guest.headers).status == .notFound)
            #expect(try await client.send(.get, "/api/events/\(id)/seats").status == .notFound)
            #expect(try await client.send(.get, "/api/events/\(id)/seats", headers: [.ifNoneMatch: "*"]).status == .notFound)
            #expect(try await client.send(.get, "/api/events/\(id)/tickets/key").status == .notFound)
            #expect(try await client.send(.get, "/api/events/\(id)", headers: client.organizer).status == .ok)
            let early = try await client.send(.post, "/api/book/safe", json: #"{"seat_id": \#(seat)}"#, headers: guest.headers)
            #expect(early.status == .conflict && early.object["type"] as? String == "https://boxoffice.dev/problems/sales-not-open", "\(early.text)")
            #expect(!early.text.contains("Draft night"), "a draft's title is not told")
            #expect(try await client.send(.post, "/api/events/\(id)/queue", headers: guest.headers).status == .notFound, "nor its waiting room")

            let published = try await client.send(.post, "/api/events/\(id)/publish", headers: client.organizer)
            #expect(published.status == .ok && published.object["status"] as? String == "published" && published.object["phase"] as? String == "on_sale", "\(published.text)")
            _ = try await Self.eventually(client, "/api/events/\(id)", headers: guest.headers) { $0["phase"] as? String == "on_sale" }
            #expect(try await client.send(.post, "/api/events/\(id)/publish", headers: client.organizer).status == .ok, "publishing again changes nothing")
            let held = try await client.send(.post, "/api/book/safe", json: #"{"seat_id": \#(seat)}"#, headers: guest.headers)
            #expect(held.status == .ok, "\(held.text)")
            #expect(try await client.send(.post, "/api/events/\(id)/publish", headers: guest.headers).status == .forbidden)
        }
    }

    @Test("an edit changes the facts everywhere and keeps every rule", arguments: TestBackend.all)
    func edits(backend: TestBackend) async throws {
        let server = try await TestServer.make(backend)
        defer { server.remove() }
        try await server.run { client in
            let id = try #require(try await client.send(.post, "/api/events", json: Self.event(), headers: client.organizer).object["id"] as? Int)
            let path = "/api/events/\(id)"
            let edited = try await client.send(
                .patch, path, json: #"{"title": "Moved night", "venue": "Big Hall", "hold_ttl_seconds": 120, "cancellation_cutoff": "2030-12-31T00:00:00Z", "max_tickets_per_customer": 4}"#,
                headers: client.organizer
            )
            #expect(edited.status == .ok && edited.object["title"] as? String == "Moved night" && edited.object["cancellation_cutoff"] as? String == "2030-12-31T00:00:00Z", "\(edited.text)")
            let read = try await Self.eventually(client, path) { $0["title"] as? String == "Moved night" }
            #expect(read["venue"] as? String == "Big Hall" && read["hold_ttl_seconds"] as? Int == 120 && read["max_tickets_per_customer"] as? Int == 4 && read["description"] as? String == "")
            let cleared = try await client.send(.patch, path, json: #"{"cancellation_cutoff": null}"#, headers: client.organizer)
            #expect(cleared.status == .ok && cleared.object["cancellation_cutoff"] == nil && cleared.object["title"] as? String == "Moved night", "\(cleared.text)")

            // Sales moved into the future: the event is published but not on sale, and holds are refused.
            let later = try await client.send(.patch, path, json: #"{"sales_start": "2030-06-01T00:00:00Z"}"#, headers: client.organizer)
            #expect(later.object["phase"] as? String == "published", "\(later.text)")
            _ = try await Self.eventually(client, path) { $0["phase"] as? String == "published" }
            let seat = try #require(later.object["first_seat_id"] as? Int)
            let refused = try await client.send(.post, "/api/book/safe", json: #"{"seat_id": \#(seat)}"#, headers: try await client.guest().headers)
            #expect(refused.status == .conflict, "\(refused.text)")

            for bad in [#"{"sales_end": "2029-01-01T00:00:00Z"}"#, #"{"cancellation_cutoff": "2031-02-01T00:00:00Z"}"#, #"{"title": ""}"#, #"{"hold_ttl_seconds": 0}"#, #"{"seat_map": {"sections": []}}"#, #"{"categories": [{"id": "vip", "price_minor": 5}]}"#, #"{"categories": [{"id": "std", "price_minor": -1}]}"#, #"{"ga_pools": [{"id": 999999, "price_minor": 5}]}"#] {
                let answer = try await client.send(.patch, path, json: bad, headers: client.organizer)
                #expect(answer.status == .unprocessableContent, "\(bad): \(answer.text)")
            }
            #expect(try await client.send(.patch, path, json: "{", headers: client.organizer).status == .badRequest)
            #expect(try await client.send(.patch, path, json: #"{"title": 5}"#, headers: client.organizer).status == .badRequest)
            #expect(try await client.send(.patch, path, json: #"{"categories": [{"id": "std", "name": "Renamed", "price_minor": 5}]}"#, headers: client.organizer).status == .badRequest)
            #expect(try await client.send(.patch, "/api/events/424242", json: "{}", headers: client.organizer).status == .notFound)
            #expect(try await client.send(.patch, path, json: #"{"title": "Mine"}"#, headers: try await client.guest().headers).status == .forbidden)
            #expect(try await client.send(.get, path).object["title"] as? String == "Moved night", "refusals changed nothing")

            let uncapped = try #require(try await client.send(.post, "/api/events", json: Self.event(cap: #", "max_tickets_per_customer": null"#), headers: client.organizer).object["id"] as? Int)
            let capped = try await client.send(.patch, "/api/events/\(uncapped)", json: #"{"max_tickets_per_customer": 4}"#, headers: client.organizer)
            #expect(capped.status == .conflict && capped.object["type"] as? String == "https://boxoffice.dev/problems/event-state-conflict", "\(capped.text)")
        }
    }

    @Test("prices change while nothing of a category or pool is held or sold; after that they stay, and holds cost the new price", arguments: TestBackend.all)
    func prices(backend: TestBackend) async throws {
        let server = try await TestServer.make(backend)
        defer { server.remove() }
        try await server.run { client in
            let json = Self.event().replacingOccurrences(
                of: #""seat_map":"#, with: #""ga_pools": [{"name": "Standing", "price_minor": 500, "capacity": 10}], "seat_map":"#
            )
            let created = try await client.send(.post, "/api/events", json: json, headers: client.organizer).object
            let id = try #require(created["id"] as? Int)
            let seat = try #require(created["first_seat_id"] as? Int)
            let pool = try #require((created["ga_pools"] as? [[String: Any]])?.first?["id"] as? Int)
            let path = "/api/events/\(id)"
            func prices(_ event: [String: Any]) -> (Int?, Int?) {
                ((event["categories"] as? [[String: Any]])?.first?["price_minor"] as? Int, (event["ga_pools"] as? [[String: Any]])?.first?["price_minor"] as? Int)
            }

            let raised = try await client.send(
                .patch, path, json: #"{"categories": [{"id": "std", "price_minor": 1500}], "ga_pools": [{"id": \#(pool), "price_minor": 700}]}"#, headers: client.organizer
            )
            #expect(raised.status == .ok && prices(raised.object) == (1500, 700), "\(raised.text)")
            #expect(prices(try await client.send(.get, path).object) == (1500, 700))
            let buyer = try await client.guest().headers
            let held = try await client.send(.post, "/api/book/safe", json: #"{"seat_id": \#(seat)}"#, headers: buyer)
            #expect(held.object["amount_minor"] as? Int == 1500, "a hold after the change costs the new price: \(held.text)")

            // A seat of the category is held: its price stays, and the whole edit is refused (its title too).
            let refused = try await client.send(.patch, path, json: #"{"title": "Dearer", "categories": [{"id": "std", "price_minor": 2000}]}"#, headers: client.organizer)
            #expect(refused.status == .conflict && (refused.object["detail"] as? String ?? "").contains("held or sold"), "\(refused.text)")
            let after = try await client.send(.get, path).object
            #expect(prices(after) == (1500, 700) && after["title"] as? String == "Draft night", "refused edits change nothing: \(after)")
            #expect(try await client.send(.patch, path, json: #"{"categories": [{"id": "std", "price_minor": 1500}]}"#, headers: client.organizer).status == .ok, "the same price is no change")

            // The pool, once a ticket of it is held, keeps its price too.
            let placed = try await client.send(.post, "/api/bookings", json: #"{"event_id": \#(id), "ga": [{"pool_id": \#(pool), "quantity": 1}]}"#, headers: buyer)
            #expect(placed.status == .created && placed.object["amount_minor"] as? Int == 700, "\(placed.text)")
            let pooled = try await client.send(.patch, path, json: #"{"ga_pools": [{"id": \#(pool), "price_minor": 900}]}"#, headers: client.organizer)
            #expect(pooled.status == .conflict, "\(pooled.text)")
            #expect(try await client.send(.patch, path, json: #"{"categories": [{"id": "std", "price_minor": 1}]}"#, headers: try await client.guest().headers).status == .forbidden)
        }
    }

    /// A seat map of rows `A` (five `std` seats) and `rowB` (three seats in `categoryB`), in section `section`.
    static func seatMap(section: String = "Stalls", rowB: String = "B", seatsB: String = "1-3", categoryB: String = "vip") -> String {
        #"{"sections": [{"name": "\#(section)", "rows": [{"rows": "A", "seats": "1-5", "category": "std"}, {"rows": "\#(rowB)", "seats": "\#(seatsB)", "category": "\#(categoryB)"}]}]}"#
    }

    @Test("a seat map without sales is replaced freely; with seats held or sold it keeps them where they are, and its size", arguments: TestBackend.all)
    func seatMaps(backend: TestBackend) async throws {
        let server = try await TestServer.make(backend)
        defer { server.remove() }
        try await server.run { client in
            let json = Self.event(status: "draft").replacingOccurrences(
                of: #"[{"id": "std", "price_minor": 1000}]"#, with: #"[{"id": "std", "price_minor": 1000}, {"id": "vip", "price_minor": 3000}]"#
            )
            let created = try await client.send(.post, "/api/events", json: json, headers: client.organizer).object
            let id = try #require(created["id"] as? Int)
            let path = "/api/events/\(id)"
            func seats() async throws -> [[String: Any]] {
                ((try await client.send(.get, "\(path)/seats", headers: client.organizer).object["sections"] as? [[String: Any]])?.first?["rows"] as? [[String: Any]]) ?? []
            }

            // A draft sells nothing: its map grows, and its seats get new ids.
            let grown = try await client.send(.patch, path, json: #"{"seat_map": \#(Self.seatMap())}"#, headers: client.organizer)
            #expect(grown.status == .ok && grown.object["seats_total"] as? Int == 8, "\(grown.text)")
            let rows = try await seats()
            #expect(rows.map { $0["label"] as? String } == ["A", "B"] && rows.last?["category"] as? String == "vip", "\(rows)")
            let first = try #require(rows.first?["first_seat_id"] as? Int)
            let vip = try #require(rows.last?["first_seat_id"] as? Int)
            #expect(try await client.send(.post, "\(path)/publish", headers: client.organizer).status == .ok)
            let buyer = try await client.guest().headers
            let held = try await client.send(.post, "/api/book/safe", json: #"{"seat_id": \#(vip + 2)}"#, headers: buyer)
            #expect(held.status == .ok && held.object["amount_minor"] as? Int == 3000, "a seat the new map added sells: \(held.text)")
            #expect(try await client.send(.post, "/api/book/safe", json: #"{"seat_id": \#(first)}"#, headers: buyer).status == .ok)

            // Published, with A1 and B3 held: free seats change category and rows their labels; the held ones stay.
            let regraded = try await client.send(.patch, path, json: #"{"seat_map": \#(Self.seatMap(rowB: "B", seatsB: "1-3", categoryB: "vip").replacingOccurrences(of: #"{"rows": "A", "seats": "1-5", "category": "std"}"#, with: #"{"label": "A", "seats": [{"number": 1, "category": "std"}, {"number": 2, "category": "vip"}, {"number": 3, "category": "vip"}, {"number": 4, "category": "std"}, {"number": 5, "category": "std"}]}"#))}"#, headers: client.organizer)
            #expect(regraded.status == .ok, "\(regraded.text)")
            let dearer = try await client.send(.post, "/api/book/safe", json: #"{"seat_id": \#(first + 1)}"#, headers: try await client.guest().headers)
            #expect(dearer.status == .ok && dearer.object["amount_minor"] as? Int == 3000, "a free seat moved to vip costs its price: \(dearer.text)")
            for (name, map) in [
                ("a held seat in another category", Self.seatMap(categoryB: "std")),
                ("a held seat renumbered", Self.seatMap(seatsB: "2-4")),
                ("a held seat's section renamed", Self.seatMap(section: "Parterre")),
                ("a seat fewer", Self.seatMap(seatsB: "1-2")),
                ("a seat more", Self.seatMap(seatsB: "1-4")),
            ] {
                let refused = try await client.send(.patch, path, json: #"{"title": "Renamed", "seat_map": \#(map)}"#, headers: client.organizer)
                #expect(refused.status == .conflict && refused.object["type"] as? String == "https://boxoffice.dev/problems/event-state-conflict", "\(name): \(refused.text)")
            }
            let named = try await client.send(.patch, path, json: #"{"seat_map": \#(Self.seatMap(section: "Parterre"))}"#, headers: client.organizer)
            #expect((named.object["detail"] as? String ?? "").contains("Stalls row A seat 1"), "the refusal names the held seats: \(named.text)")
            #expect(try await client.send(.get, path).object["title"] as? String == "Draft night", "refused edits change nothing")
            #expect(try await seats().last?["category"] as? String == "vip")
            let together = try await client.send(.patch, path, json: #"{"seat_map": \#(Self.seatMap()), "categories": [{"id": "std", "price_minor": 5}]}"#, headers: client.organizer)
            #expect(together.status == .unprocessableContent, "a seat map and prices in one request: \(together.text)")
            #expect(try await client.send(.patch, path, json: #"{"seat_map": \#(Self.seatMap())}"#, headers: try await client.guest().headers).status == .forbidden)
            #expect(try await client.send(.patch, path, json: #"{"seat_map": {"sections": [{"name": "X", "rows": [{"rows": "A", "seats": "1-3", "category": "gold"}]}]}}"#, headers: client.organizer).status == .unprocessableContent)

            // A published event that has sold nothing yet grows too, onto new seat ids.
            let unsold = try await client.send(.post, "/api/events", json: json.replacingOccurrences(of: #", "status": "draft""#, with: ""), headers: client.organizer).object
            let unsoldID = try #require(unsold["id"] as? Int)
            let larger = try await client.send(.patch, "/api/events/\(unsoldID)", json: #"{"seat_map": \#(Self.seatMap())}"#, headers: client.organizer)
            #expect(larger.status == .ok && larger.object["seats_total"] as? Int == 8 && larger.object["status"] as? String == "published", "\(larger.text)")
            let moved = try #require(larger.object["first_seat_id"] as? Int)
            #expect(moved != unsold["first_seat_id"] as? Int)
            let added = try await client.send(.post, "/api/book/safe", json: #"{"seat_id": \#(moved + 7)}"#, headers: try await client.guest().headers)
            #expect(added.status == .ok && added.object["amount_minor"] as? Int == 3000, "\(added.text)")
        }
    }

    @Test("the event loop's seat-map revalidation leaves a draft to the route, which hides it")
    func draftOnTheEventLoop() async throws {
        let server = try await TestServer.make(.sqlite)
        defer { server.remove() }
        try await server.runOverSockets { client, count in
            let id = try #require(try await client.send(.post, "/api/events", json: Self.event(status: "draft"), headers: client.organizer).object["id"] as? Int)
            let before = count.value
            #expect(try await client.send(.get, "/api/events/\(id)/seats", headers: [.ifNoneMatch: "*"]).status == .notFound)
            #expect(count.value == before, "the route answered")
            _ = try await client.send(.post, "/api/events/\(id)/publish", headers: client.organizer)
            _ = try await Self.eventually(client, "/api/events/\(id)") { $0["phase"] as? String == "on_sale" }
            #expect(try await client.send(.get, "/api/events/\(id)/seats", headers: [.ifNoneMatch: "*"]).status == .notModified)
            #expect(count.value == before + 1, "published, the event loop answers it")
        }
    }
}
