import BoxofficeDomain
import BoxofficeHTTP
import BoxofficeTestSupport
import Foundation
import Hummingbird
import HummingbirdTesting
import HummingbirdWSTesting
import Logging
import NIOCore
import Testing

@Suite("Live updates over /api/ws")
struct LiveSocketTests {
    @Test("an event's watchers get every committed change as a delta, versions consecutive from the subscription", arguments: TestBackend.all)
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
                    _ = try await client.send(.post, "/api/book/safe", json: #"{"seat_id": 22, "user_identifier": "bob"}"#)
                    #expect(try await client.send(.post, "/api/bookings/\(firstID)/release").status == .ok)

                    var deltas: [[String: any Sendable]] = []
                    for _ in 1 ... 3 { deltas.append(try await live.next("inventory")) }
                    #expect(deltas.map { $0["version"] as? Int } == [start + 1, start + 2, start + 3])
                    let seats = deltas.map { (($0["seats"] as? [[String: Any]]) ?? []).map { "\($0["id"] ?? "?") \($0["status"] ?? "?")" } }
                    #expect(seats == [["21 held"], ["22 held"], ["21 available"]])
                    #expect(deltas.map { $0["seats_available"] as? Int } == [49, 48, 49])
                    let epoch = try #require(subscribed["epoch"] as? String)
                    #expect(deltas.allSatisfy { $0["epoch"] as? String == epoch }, "every delta names the process its versions count in")
                    #expect(try await client.send(.get, "/api/events/1/seats").object["epoch"] as? String == epoch)
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
                    try await live.send(#"{"action": "subscribe", "customer": "wanda"}"#)
                    #expect(try await live.next("subscribed")["customer"] as? String == "wanda")
                    let account = try #require(try await client.send(.post, "/api/accounts", json: #"{"user_identifier": "wanda"}"#).object["id"] as? String)
                    _ = try await client.send(.post, "/api/accounts/\(account)/deposits", json: #"{"amount_minor": 25000}"#)
                    #expect(try await live.next("wallet")["balance_minor"] as? Int == 25_000)

                    _ = try await client.send(.post, "/api/book/safe", json: #"{"seat_id": 31, "user_identifier": "someone-else"}"#)
                    let hold = try await client.send(.post, "/api/book/safe", json: #"{"seat_id": 30, "user_identifier": "wanda"}"#)
                    let booking = try #require(hold.object["booking_id"] as? String)
                    _ = try await client.send(.post, "/api/bookings/\(booking)/pay")

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
    static func delta(_ version: UInt64) -> LiveUpdate {
        .inventory(InventoryDelta(eventID: EventID(rawValue: 1), version: version, seats: [], pools: [], availableSeats: 0))
    }

    @Test("a client that stops reading is dropped once its queue is full; the others go on receiving")
    func slowConsumerDropped() async throws {
        let hub = LiveHub(limits: .init(bufferedMessages: 3), logger: Logger(label: "test"))
        let slow = hub.connect()
        let fast = hub.connect()
        #expect(hub.subscribe(slow, to: .event(EventID(rawValue: 1))))
        #expect(hub.subscribe(fast, to: .event(EventID(rawValue: 1))))
        var fastMessages = fast.messages.makeAsyncIterator()
        var fastCount = 0
        for version in 1 ... 6 as ClosedRange<UInt64> {
            hub.publish(Self.delta(version))
            if await fastMessages.next() != nil { fastCount += 1 }
        }
        #expect(fastCount == 6)
        #expect(slow.wasTooSlow)
        #expect(!fast.wasTooSlow)
        #expect(hub.connectionCount == 1)
        var slowCount = 0
        for await _ in slow.messages { slowCount += 1 }
        #expect(slowCount == 3, "the queued messages, then the end")
    }

    @Test("a client may watch only so many topics; unwatched topics cost nothing")
    func topicLimit() {
        let hub = LiveHub(limits: .init(topicsPerClient: 2), logger: Logger(label: "test"))
        let connection = hub.connect()
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
