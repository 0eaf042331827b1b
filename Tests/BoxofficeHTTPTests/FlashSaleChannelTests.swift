@testable import BoxofficeHTTP
import BoxofficeTestSupport
import Foundation
import Hummingbird
import HummingbirdTesting
import NIOHTTP1
import Testing

/// `POST /api/book/safe` and seat map revalidations are answered by a channel handler on the event loop when
/// it can, and by the router otherwise; a client must not be able to tell which.
@Suite("book/safe and seat map revalidations answered on the event loop")
struct FlashSaleChannelTests {
    private static func seatMap(_ path: String = "/api/events/1/seats", etag: String?) -> PipelinedClient.Request {
        PipelinedClient.Request(method: .GET, path: path, headers: etag.map { [("If-None-Match", $0)] } ?? [])
    }

    private static func etag(port: Int) async throws -> String {
        let answer = try #require(try await PipelinedClient.send([seatMap(etag: nil)], port: port).answers.first)
        return try #require(answer.headers["ETag"].first)
    }

    private static func hold(_ seat: Int, _ user: String, headers: [(String, String)] = [], split: Bool = false) -> PipelinedClient.Request {
        PipelinedClient.Request(
            method: .POST, path: "/api/book/safe", headers: headers, json: #"{"seat_id": \#(seat), "user_identifier": "\#(user)"}"#, splitBody: split
        )
    }

    @Test("answers on one connection keep the order of its requests, whoever answers them", arguments: TestBackend.all)
    func pipelinedOrder(backend: TestBackend) async throws {
        let server = try await TestServer.make(backend)
        defer { server.remove() }
        let (answers, closed, onEventLoop) = try await server.runOverSockets { client, count in
            let port = try #require(client.port)
            let etag = try await Self.etag(port: port)
            let (answers, closed) = try await PipelinedClient.send([
                Self.seatMap(etag: etag),
                Self.hold(21, "ann", split: true),
                PipelinedClient.Request(method: .GET, path: "/api/events"),
                Self.hold(21, "bob"),
                Self.hold(22, #"b\u006fb"#),
                Self.hold(23, "cy", headers: [("Connection", "keep-alive")]),
                Self.hold(999_999, "dee"),
                Self.seatMap(etag: etag),
                PipelinedClient.Request(method: .GET, path: "/health/ready", headers: [("Connection", "close")]),
            ], port: port)
            return (answers, closed, count.value)
        }
        #expect(answers.map(\.status) == [304, 200, 200, 409, 200, 200, 404, 200, 200])
        #expect(onEventLoop == 2, "the 304 and the first hold; everything pipelined behind the router's first request follows it there")
        guard answers.count == 9 else { return }
        #expect(answers[0].body.isEmpty)
        #expect(answers[1].body.contains(#""seat_id":21"#) && answers[1].body.contains(#""status":"held""#))
        #expect(answers[2].body.hasPrefix("["))
        #expect(answers[3].body.contains("Seat 21 is already taken."))
        #expect(answers[4].body.contains(#""seat_id":22"#))
        #expect(answers[5].body.contains(#""seat_id":23"#))
        #expect(answers[6].body.contains("There is no seat with id 999999."))
        #expect(answers[7].body.contains(#""seats_available":47"#), "the holds changed the map: a stale ETag gets the whole map")
        #expect(answers[8].body == #"{"status":"ready"}"#)
        #expect(closed, "Connection: close must close the connection after its answer")
        #expect(try await server.database.count("SELECT CAST(COUNT(*) AS TEXT) FROM seat_claims WHERE seat_id IN (21, 22, 23)") == 3)
    }

    @Test("its answers, held or refused, are the router's: same status, headers and body", arguments: TestBackend.all)
    func sameAsRouter(backend: TestBackend) async throws {
        let server = try await TestServer.make(backend)
        defer { server.remove() }
        // The plain body is answered on the event loop; a JSON escape in the name leaves the request to the router,
        // and so does a query string on the seat map's path.
        let (pairs, onEventLoop) = try await server.runOverSockets { client, count in
            let port = try #require(client.port)
            let etag = try await Self.etag(port: port)
            var pairs: [(PipelinedClient.Answer, PipelinedClient.Answer)] = []
            for (fastRequest, routedRequest) in [
                (Self.seatMap(etag: etag), Self.seatMap("/api/events/1/seats?fresh=1", etag: etag)),
                (Self.hold(30, "al"), Self.hold(31, #"\u0061l"#)), (Self.hold(30, "al"), Self.hold(30, #"\u0061l"#)),
                (Self.hold(888_888, "al"), Self.hold(888_888, #"\u0061l"#)),
            ] {
                let fast = try await PipelinedClient.send([fastRequest], port: port).answers
                let routed = try await PipelinedClient.send([routedRequest], port: port).answers
                pairs.append((try #require(fast.first), try #require(routed.first)))
            }
            return (pairs, count.value)
        }
        #expect(onEventLoop == 4, "one of each pair")
        #expect(pairs.map { [$0.0.status, $0.1.status] } == [[304, 304], [200, 200], [409, 409], [404, 404]])
        for (fast, routed) in pairs {
            #expect(Set(fast.headers.map { $0.name.lowercased() }) == Set(routed.headers.map { $0.name.lowercased() }))
            #expect(fast.headers["Content-Type"] == routed.headers["Content-Type"])
            #expect(fast.headers["Server"] == routed.headers["Server"])
            #expect(fast.headers["ETag"] == routed.headers["ETag"])
            if fast.status == 200, routed.status == 200 {
                #expect(try Self.keys(fast.body) == Self.keys(routed.body))
            } else {
                #expect(fast.body == routed.body)
            }
        }
    }

    @Test("a client that closes its side right after the request still gets the answer", arguments: TestBackend.all)
    func halfClose(backend: TestBackend) async throws {
        let server = try await TestServer.make(backend)
        defer { server.remove() }
        let (answers, onEventLoop) = try await server.runOverSockets { client, count in
            let sent = try await PipelinedClient.send([Self.hold(40, "eve"), Self.hold(41, "eve")], port: try #require(client.port), closingOutput: true)
            return (sent.answers, count.value)
        }
        #expect(answers.map(\.status) == [200, 200])
        #expect(onEventLoop == 2)
        #expect(try await server.database.count("SELECT CAST(COUNT(*) AS TEXT) FROM seat_claims WHERE seat_id IN (40, 41)") == 2)
    }

    @Test("an X-Request-Id is answered back on both paths; a weak ETag revalidates; an invalid id is not echoed", arguments: TestBackend.all)
    func requestIDsAndWeakETags(backend: TestBackend) async throws {
        let server = try await TestServer.make(backend)
        defer { server.remove() }
        let (answers, onEventLoop) = try await server.runOverSockets { client, count in
            let port = try #require(client.port)
            let etag = try await Self.etag(port: port)
            let weakened = PipelinedClient.Request(method: .GET, path: "/api/events/1/seats", headers: [("If-None-Match", "W/\(etag)"), ("X-Request-Id", "gw-1")])
            let answers = try await PipelinedClient.send([
                weakened,
                Self.hold(50, "ida", headers: [("X-Request-Id", "gw-2")]),
                Self.hold(50, "jo", headers: [("X-Request-Id", "gw-3")]),
                Self.hold(51, "kim", headers: [("X-Request-Id", "not valid")]),
                PipelinedClient.Request(method: .GET, path: "/api/events", headers: [("X-Request-Id", "gw-4")]),
                PipelinedClient.Request(method: .GET, path: "/api/events/77", headers: [("X-Request-Id", "gw-5")]),
            ], port: port).answers
            return (answers, count.value)
        }
        #expect(answers.map(\.status) == [304, 200, 409, 200, 200, 404])
        #expect(answers.map { $0.headers["X-Request-Id"].first } == ["gw-1", "gw-2", "gw-3", nil, "gw-4", "gw-5"])
        #expect(onEventLoop == 3, "the 304 and both holds with a valid id; the invalid id goes to the router, which ignores it")
    }

    @Test("request ids: 1-128 letters, digits and ._:-")
    func requestIDRule() {
        typealias Middleware = RequestIDMiddleware<BoxofficeRequestContext>
        #expect(Middleware.isValid("a1B2.c_d:e-f"))
        #expect(Middleware.isValid(String(repeating: "x", count: 128)))
        #expect(!Middleware.isValid(""))
        #expect(!Middleware.isValid(String(repeating: "x", count: 129)))
        #expect(!Middleware.isValid("a b"))
        #expect(!Middleware.isValid("ä"))
    }

    private static func keys(_ json: String) throws -> Set<String> {
        let object = try JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any]
        return Set(try #require(object).keys)
    }
}
