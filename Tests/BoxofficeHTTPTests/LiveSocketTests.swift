import BoxofficeApp
import BoxofficeDomain
@testable import BoxofficeHTTP
import BoxofficeTestSupport
import Foundation
import Hummingbird
import HummingbirdTesting
import HummingbirdWSTesting
import Logging
import NIOCore
import NIOEmbedded
import Synchronization
import Testing

@Suite("Live updates over /api/ws")
struct LiveSocketTests {
    /// The seats an `inventory` message names, decoded from their compact form.
    static func seats(of delta: [String: any Sendable]) -> [(id: SeatID, status: SeatStatus)] {
        SeatChanges.decode(delta["seats"] as? String ?? "") ?? []
    }

    @Test("an event's watchers get every committed change in deltas whose version ranges join up from the subscription", arguments: TestBackend.all)
    func deltasInOrder(backend: TestBackend) async throws {
        let server = try await TestServer.make(backend)
        defer { server.remove() }
        try await server.runLive { client, _ in
            try await client.ws(LiveSocket.path) { inbound, outbound, _ in
                try await LiveClient.session(inbound: inbound, outbound: outbound) { live in
                    try await live.send(#"{"action": "subscribe", "event_id": 1}"#)
                    let subscribed = try await live.next("subscribed")
                    let start = try #require(subscribed["version"] as? Int)

                    let first = try await client.send(.post, "/api/book/safe", json: #"{"seat_id": 21, "user_identifier": "ann"}"#)
                    let firstID = try #require(first.object["booking_id"] as? String)
                    let annToken = try #require(first.object["guest_token"] as? String, "an anonymous hold is a new guest's, with its token")
                    _ = try await client.send(.post, "/api/book/safe", json: #"{"seat_id": 22, "user_identifier": "bob"}"#)
                    #expect(try await client.send(.post, "/api/bookings/\(firstID)/release", headers: [.authorization: "Bearer \(annToken)"]).status == .ok)

                    // Changes close together are merged: the deltas cover (start, start + 3] without gap or overlap,
                    // and each names a seat once, at its state at the delta's end.
                    var deltas: [[String: any Sendable]] = []
                    var reached = start
                    while reached < start + 3 {
                        let delta = try await live.next("inventory")
                        #expect(delta["from_version"] as? Int == reached, "each delta starts where the previous ended")
                        reached = try #require(delta["version"] as? Int)
                        deltas.append(delta)
                    }
                    #expect(reached == start + 3)
                    var seats: [Int64: SeatStatus] = [:]
                    for delta in deltas {
                        for seat in Self.seats(of: delta) { seats[seat.id.rawValue] = seat.status }
                    }
                    #expect(seats == [21: .available, 22: .held])
                    #expect(deltas.last?["seats_available"] as? Int == 49)
                    let epoch = try #require(subscribed["epoch"] as? String)
                    #expect(deltas.allSatisfy { $0["epoch"] as? String == epoch }, "every delta names the process its versions count in")
                    #expect(try await client.send(.get, "/api/events/1/seats").object["epoch"] as? String == epoch)
                }
            }
        }
    }

    @Test("a new seat map reaches watchers as a delta of a new epoch, so each reads the map again", arguments: TestBackend.all)
    func newSeatMap(backend: TestBackend) async throws {
        let server = try await TestServer.make(backend)
        defer { server.remove() }
        try await server.runLive { client, _ in
            let map = { @Sendable (row: String) in #"{"sections": [{"name": "Hall", "rows": [{"rows": "\#(row)", "seats": "1-5", "category": "std"}]}]}"# }
            let created = try await client.send(.post, "/api/events", json: #"""
                {"title": "Redrawn", "venue": "Hall", "starts_at": "2031-01-01T20:00:00Z", "categories": [{"id": "std", "price_minor": 100}], "seat_map": \#(map("A"))}
                """#, headers: client.organizer)
            let id = try #require(created.object["id"] as? Int)
            try await client.ws(LiveSocket.path) { inbound, outbound, _ in
                try await LiveClient.session(inbound: inbound, outbound: outbound) { live in
                    try await live.send(#"{"action": "subscribe", "event_id": \#(id)}"#)
                    let epoch = try #require(try await live.next("subscribed")["epoch"] as? String)
                    let edited = try await client.send(.patch, "/api/events/\(id)", json: #"{"seat_map": \#(map("Z"))}"#, headers: client.organizer)
                    #expect(edited.status == .ok, "\(edited.text)")
                    let delta = try await live.next("inventory")
                    #expect(delta["epoch"] as? String == "\(epoch).1", "the delta names the map's new version: \(delta)")
                    let seats = try await client.send(.get, "/api/events/\(id)/seats").object
                    #expect(seats["epoch"] as? String == "\(epoch).1")
                    #expect(((seats["sections"] as? [[String: Any]])?.first?["rows"] as? [[String: Any]])?.first?["label"] as? String == "Z")
                }
            }
        }
    }

    @Test("many holds close together reach every subscriber as at most one delta per interval, ranges joined, ending at the map's state")
    func mergedDeltas() async throws {
        var server = try await TestServer.make(.sqlite)
        server.configuration.liveLimits.flushInterval = .milliseconds(300)
        // 120 holds from one address: more than its cap, which is not what this test is about.
        server.configuration.rateLimits = .off
        defer { server.remove() }
        try await server.runLive { client, _ in
            try await client.ws(LiveSocket.path) { inbound, outbound, _ in
                try await LiveClient.session(inbound: inbound, outbound: outbound) { live in
                    try await live.send(#"{"action": "subscribe", "event_id": 2}"#)
                    let start = try #require(try await live.next("subscribed")["version"] as? Int)
                    let began = ContinuousClock.now
                    // In waves of twelve: close together, without a hundred connections at once on a busy machine.
                    for wave in stride(from: 100, to: 220, by: 12) {
                        try await withThrowingTaskGroup(of: Void.self) { group in
                            for seat in wave ..< wave + 12 {
                                group.addTask { _ = try await client.send(.post, "/api/book/safe", json: #"{"seat_id": \#(seat), "user_identifier": "u\#(seat)"}"#) }
                            }
                            try await group.waitForAll()
                        }
                    }
                    let map = try await client.send(.get, "/api/events/2/seats").object
                    let end = try #require(map["version"] as? Int)
                    var reached = start
                    var deltas = 0
                    var held = Set<Int>()
                    while reached < end {
                        let delta = try await live.next("inventory")
                        #expect(delta["from_version"] as? Int == reached)
                        reached = try #require(delta["version"] as? Int)
                        deltas += 1
                        for seat in Self.seats(of: delta) where seat.status == .held { held.insert(Int(seat.id.rawValue)) }
                    }
                    let elapsed = ContinuousClock.now - began
                    #expect(end - start > deltas, "batches were merged: \(end - start) versions in \(deltas) deltas")
                    #expect(Double(deltas) <= elapsed / .milliseconds(300) + 2, "at most one delta per interval, the first at once")
                    #expect(held == Set(100 ..< 220), "every hold reached the subscriber")
                }
            }
        }
    }

    @Test("a subscriber that reconnects subscribes again, re-reads the map if it is behind, and follows it from there")
    func reconnect() async throws {
        let server = try await TestServer.make(.sqlite)
        defer { server.remove() }
        try await server.runLive { client, hub in
            let version = Mutex<Int?>(nil)
            try await client.ws(LiveSocket.path) { inbound, outbound, _ in
                try await LiveClient.session(inbound: inbound, outbound: outbound) { live in
                    try await live.send(#"{"action": "subscribe", "event_id": 1}"#)
                    let subscribed = try await live.next("subscribed")["version"] as? Int
                    version.withLock { $0 = subscribed }
                }
            }
            for _ in 0 ..< 200 where hub.connectionCount > 0 { try await Task.sleep(for: .milliseconds(10)) }
            _ = try await client.send(.post, "/api/book/safe", json: #"{"seat_id": 40, "user_identifier": "while-away"}"#)
            let seen = try #require(version.withLock { $0 })
            try await client.ws(LiveSocket.path) { inbound, outbound, _ in
                try await LiveClient.session(inbound: inbound, outbound: outbound) { live in
                    try await live.send(#"{"action": "subscribe", "event_id": 1}"#)
                    let current = try #require(try await live.next("subscribed")["version"] as? Int)
                    #expect(current > seen, "the hold made while away shows as a newer version")
                    let map = try await client.send(.get, "/api/events/1/seats").object
                    #expect(map["version"] as? Int == current, "the re-read map is at the subscription's version")
                    _ = try await client.send(.post, "/api/book/safe", json: #"{"seat_id": 41, "user_identifier": "after"}"#)
                    let delta = try await live.next("inventory")
                    #expect(delta["from_version"] as? Int == current)
                    #expect(Self.seats(of: delta).map(\.id.rawValue) == [41])
                }
            }
        }
    }

    @Test("a customer watches their booking turn held, payment_pending, confirmed, and their balance change; nobody else's")
    func customerChannel() async throws {
        let server = try await TestServer.make(.sqlite)
        defer { server.remove() }
        try await server.runLive { client, _ in
            try await client.ws(LiveSocket.path) { inbound, outbound, _ in
                try await LiveClient.session(inbound: inbound, outbound: outbound) { live in
                    let wanda = try await client.guest()
                    let token = String((wanda.headers[.authorization] ?? "").dropFirst("Bearer ".count))
                    try await live.send(#"{"action": "subscribe", "customer": "\#(wanda.id)"}"#)
                    #expect(try await live.next("error")["detail"] as? String != nil, "a customer's topic needs the customer's token")
                    try await live.send(#"{"action": "auth", "token": "not a token"}"#)
                    _ = try await live.next("error")
                    try await live.send(#"{"action": "auth", "token": "\#(token)"}"#)
                    #expect(try await live.next("authenticated")["identity"] as? String == wanda.id)
                    let someoneElse = try await client.guest()
                    try await live.send(#"{"action": "subscribe", "customer": "\#(someoneElse.id)"}"#)
                    _ = try await live.next("error")
                    try await live.send(#"{"action": "subscribe", "customer": "\#(wanda.id)"}"#)
                    #expect(try await live.next("subscribed")["customer"] as? String == wanda.id)
                    let account = try #require(try await client.send(.post, "/api/accounts", json: "{}", headers: wanda.headers).object["id"] as? String)
                    _ = try await client.send(.post, "/api/accounts/\(account)/deposits", json: #"{"amount_minor": 25000}"#, headers: wanda.headers)
                    #expect(try await live.next("wallet")["balance_minor"] as? Int == 25_000)

                    _ = try await client.send(.post, "/api/book/safe", json: #"{"seat_id": 31}"#, headers: someoneElse.headers)
                    let hold = try await client.send(.post, "/api/book/safe", json: #"{"seat_id": 30}"#, headers: wanda.headers)
                    let booking = try #require(hold.object["booking_id"] as? String)
                    _ = try await client.send(.post, "/api/bookings/\(booking)/pay", headers: wanda.headers)

                    var statuses: [String] = []
                    for _ in 1 ... 3 {
                        let change = try await live.next("booking")
                        #expect(change["booking_id"] as? String == booking, "only wanda's booking")
                        statuses.append(change["status"] as? String ?? "?")
                    }
                    #expect(statuses == ["held", "payment_pending", "confirmed"])
                    #expect(try await live.next("wallet")["balance_minor"] as? Int == 15_000)
                }
            }
        }
    }

    @Test("a client whose seat map is older than the subscription sees the gap in the version")
    func gapDetected() async throws {
        let server = try await TestServer.make(.sqlite)
        defer { server.remove() }
        try await server.runLive { client, _ in
            let seen = try #require(try await client.send(.get, "/api/events/1/seats").object["version"] as? Int)
            _ = try await client.send(.post, "/api/book/safe", json: #"{"seat_id": 5, "user_identifier": "early"}"#)
            try await client.ws(LiveSocket.path) { inbound, outbound, _ in
                try await LiveClient.session(inbound: inbound, outbound: outbound) { live in
                    try await live.send(#"{"action": "subscribe", "event_id": 1}"#)
                    let current = try #require(try await live.next("subscribed")["version"] as? Int)
                    #expect(current == seen + 1, "the missed hold shows as a skipped version")
                    let fresh = try await client.send(.get, "/api/events/1/seats")
                    #expect(fresh.object["version"] as? Int == current, "reading the map again closes the gap")
                }
            }
        }
    }

    @Test("bad commands get an error message and change nothing; the connection stays usable")
    func badCommands() async throws {
        let server = try await TestServer.make(.sqlite)
        defer { server.remove() }
        try await server.runLive { client, hub in
            try await client.ws(LiveSocket.path) { inbound, outbound, _ in
                try await LiveClient.session(inbound: inbound, outbound: outbound) { live in
                    for command in ["not json", #"{"action": "dance"}"#, #"{"action": "subscribe", "event_id": 999}"#,
                                    #"{"action": "subscribe", "event_id": 1, "customer": "x"}"#, #"{"action": "subscribe", "customer": " "}"#] {
                        try await live.send(command)
                        let refusal = try await live.next("error")
                        #expect((refusal["detail"] as? String)?.isEmpty == false, "\(command)")
                    }
                    try await live.send(#"{"action": "ping"}"#)
                    _ = try await live.next("pong")
                    _ = try await client.send(.post, "/api/book/safe", json: #"{"seat_id": 7, "user_identifier": "x"}"#)
                    try await Task.sleep(for: .milliseconds(100))
                    #expect(live.all.allSatisfy { $0["type"] as? String != "inventory" }, "no refused subscription took effect")
                }
            }
            let plain = try await client.send(.get, "/api/ws")
            #expect(plain.status == .upgradeRequired)
            #expect(plain.headers[.contentType] == "application/problem+json")
            #expect(hub.connectionCount == 0)
        }
    }

    @Test("closing the socket forgets the client and what it watched")
    func unsubscribedOnClose() async throws {
        let server = try await TestServer.make(.sqlite)
        defer { server.remove() }
        try await server.runLive { client, hub in
            try await client.ws(LiveSocket.path) { inbound, outbound, _ in
                try await LiveClient.session(inbound: inbound, outbound: outbound) { live in
                    try await live.send(#"{"action": "subscribe", "event_id": 1}"#)
                    _ = try await live.next("subscribed")
                    #expect(hub.connectionCount == 1)
                }
            }
            for _ in 0 ..< 200 where hub.connectionCount > 0 { try await Task.sleep(for: .milliseconds(10)) }
            #expect(hub.connectionCount == 0)
            #expect(try await client.send(.post, "/api/book/safe", json: #"{"seat_id": 8, "user_identifier": "x"}"#).status == .ok)
        }
    }
}

@Suite("Live hub")
struct LiveHubTests {
    @Test("a client may watch only so many topics; unwatched topics cost nothing")
    func topicLimit() {
        let hub = LiveHub(limits: .init(topicsPerClient: 2), logger: Logger(label: "test"))
        let connection = hub.connect(EmbeddedChannel())
        #expect(hub.subscribe(connection, to: .event(EventID(rawValue: 1))))
        #expect(hub.subscribe(connection, to: .customer("a")))
        #expect(hub.subscribe(connection, to: .customer("a")), "watching again is not another topic")
        #expect(!hub.subscribe(connection, to: .customer("b")))
        hub.unsubscribe(connection, from: .customer("a"))
        #expect(hub.subscribe(connection, to: .customer("b")))
        hub.publish(.booking(BookingStatusChange(bookingID: .random(), eventID: EventID(rawValue: 1), customer: "a", status: .held)))
        hub.disconnect(connection)
        #expect(hub.connectionCount == 0)
    }
}
