import BoxofficeTestSupport
import Foundation
import Hummingbird
import HummingbirdTesting
import Testing

@Suite("The seed's endpoints")
struct SeedEndpointTests {
    @Test("a new database lists the seed's concert and the big hall", arguments: TestBackend.all)
    func demoEvents(backend: TestBackend) async throws {
        let server = try await TestServer.make(backend)
        defer { server.remove() }
        try await server.run { client in
            let events = try await client.send(.get, "/api/events")
            #expect(events.status == .ok)
            #expect(events.array.count == 2)
            #expect(events.array[0]["title"] as? String == "Evening Concert")
            #expect(events.array[0]["seats_available"] as? Int == 50)
            #expect(events.array[1]["seats_total"] as? Int ?? 0 >= 2_000)
            #expect(events.array[1]["ga_available"] as? Int ?? 0 > 0)
        }
    }

    @Test("book/safe holds a seat, the next read shows it, and a second buyer gets 409", arguments: TestBackend.all)
    func bookSafe(backend: TestBackend) async throws {
        let server = try await TestServer.make(backend)
        defer { server.remove() }
        try await server.run { client in
            let before = try await client.send(.get, "/api/events/1/seats")
            let etag = try #require(before.headers[.eTag])
            let held = try await client.send(.post, "/api/book/safe", json: #"{"seat_id": 12, "user_identifier": "alice"}"#)
            #expect(held.status == .ok)
            #expect(held.object["seat_id"] as? Int == 12)
            #expect(held.object["status"] as? String == "held")
            #expect((held.object["booking_id"] as? String)?.count == 36)
            #expect(held.object["expires_at"] is String)

            let after = try await client.send(.get, "/api/events/1/seats", headers: [.ifNoneMatch: etag])
            #expect(after.status == .ok, "the old ETag must not match after a hold")
            let rows = try #require(((after.object["sections"] as? [[String: Any]])?.first?["rows"]) as? [[String: Any]])
            #expect((rows[1]["status"] as? String)?.dropFirst().first == "h", "seat 12 is the second seat of row 2")
            #expect(after.object["seats_available"] as? Int == 49)

            let taken = try await client.send(.post, "/api/book/safe", json: #"{"seat_id": "12", "user_identifier": "bob"}"#)
            #expect(taken.status == .conflict)
            #expect(taken.headers[.contentType] == "application/problem+json")
            #expect(taken.object["detail"] as? String == "Seat 12 is already taken.")
        }
    }

    @Test("the seat map revalidates with its ETag", arguments: TestBackend.all)
    func etag(backend: TestBackend) async throws {
        let server = try await TestServer.make(backend)
        defer { server.remove() }
        try await server.run { client in
            let first = try await client.send(.get, "/api/events/2/seats")
            let etag = try #require(first.headers[.eTag])
            let again = try await client.send(.get, "/api/events/2/seats", headers: [.ifNoneMatch: etag])
            #expect(again.status == .notModified)
            #expect(again.body.readableBytes == 0)
            #expect(first.body.readableBytes < 100_000)
        }
    }

    @Test("init_db creates another concert in demo mode", arguments: TestBackend.all)
    func initDatabaseDemo(backend: TestBackend) async throws {
        let server = try await TestServer.make(backend)
        defer { server.remove() }
        try await server.run { client in
            let created = try await client.send(.post, "/api/init_db")
            #expect(created.status == .created)
            #expect(created.object["seats_total"] as? Int == 50)
            let events = try await client.send(.get, "/api/events")
            #expect(events.array.count == 3)
        }
    }

    @Test("init_db is open to everyone only in a fresh demo: from 20 events on it needs the organizer token", arguments: TestBackend.all)
    func initDatabaseClosesWhenFull(backend: TestBackend) async throws {
        let server = try await TestServer.make(backend)
        defer { server.remove() }
        try await server.run { client in
            var statuses: [Int] = []
            for _ in 0 ..< 19 { statuses.append(Int(try await client.send(.post, "/api/init_db").status.code)) }
            #expect(statuses == Array(repeating: 201, count: 18) + [401], "2 demo events, 18 more, then closed")
            #expect(try await client.send(.post, "/api/init_db", headers: client.organizer).status == .created)
            #expect(try await client.send(.get, "/api/events").array.count == 21)
        }
    }

    @Test("init_db needs the organizer token outside demo mode", arguments: TestBackend.all)
    func initDatabaseGuarded(backend: TestBackend) async throws {
        let server = try await TestServer.make(backend, demo: false)
        defer { server.remove() }
        try await server.run { client in
            let events = try await client.send(.get, "/api/events")
            let anonymous = try await client.send(.post, "/api/init_db")
            let wrong = try await client.send(.post, "/api/init_db", headers: [.authorization: "Bearer wrong"])
            let guest = try await client.send(.post, "/api/init_db", headers: try await client.guest().headers)
            let organizer = try await client.send(.post, "/api/init_db", headers: client.organizer)
            #expect(events.array.isEmpty, "no demo events without demo mode")
            #expect(anonymous.status == .unauthorized)
            #expect(anonymous.headers[.wwwAuthenticate] == "Bearer")
            #expect(wrong.status == .unauthorized, "a token that is not ours")
            #expect(guest.status == .forbidden, "a guest is not an organizer")
            #expect(organizer.status == .created)
        }
    }

    @Test("health answers live and ready", arguments: TestBackend.all)
    func health(backend: TestBackend) async throws {
        let server = try await TestServer.make(backend)
        defer { server.remove() }
        try await server.run { client in
            let live = try await client.send(.get, "/health/live")
            let ready = try await client.send(.get, "/health/ready")
            #expect(live.status == .ok)
            #expect(ready.status == .ok)
        }
    }
}
