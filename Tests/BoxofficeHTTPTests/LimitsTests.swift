import BoxofficeApp
import BoxofficeAuth
@testable import BoxofficeHTTP
import BoxofficeTestSupport
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import NIOCore
import NIOHTTP1
import NIOPosix
import Synchronization
import Testing

@Suite("Rate limits, connection caps, CORS and JSON bodies")
struct LimitsTests {
    @Test("new identities from one address: an hour's allowance, then one per refill; anonymous holds count, signed-in ones do not")
    func guestsPerHour() async throws {
        let now = Mutex<TimeInterval>(100)
        let limiter = RateLimiter(try RateLimits(parsing: "guests=3/h"), clock: { now.withLock { $0 } })
        for _ in 0 ..< 3 { #expect(limiter.admit(.guests, identity: nil, address: "10.0.0.1") == nil) }
        #expect(limiter.admit(.guests, identity: nil, address: "10.0.0.1").map { (1_199 ... 1_201).contains($0) } == true)
        #expect(limiter.admit(.guests, identity: nil, address: "10.0.0.2") == nil, "another address has its own")
        now.withLock { $0 += 1_200 }
        #expect(limiter.admit(.guests, identity: nil, address: "10.0.0.1") == nil)

        let admission = Admission(
            authenticator: Authenticator(
                codec: try await TokenCodec.make(secret: Array("limits-test-secret-that-is-32-bytes-long".utf8)), organizerToken: "limits-test-organizer"
            ), origins: OriginPolicy(),
            limiter: RateLimiter(try RateLimits(parsing: "holds=off,signups=off,guests=2/h")), addresses: ClientAddresses(trustForwardedFor: false),
            takesIdempotencyKeys: false
        )
        var head = HTTPRequest(method: .post, scheme: "http", authority: "x", path: "/api/book/safe")
        let statuses = (0 ..< 3).map { _ in (try? admission.admit(head, peer: "10.0.0.9").get()) != nil }
        #expect(statuses == [true, true, false], "each anonymous hold mints a guest")
        head.headerFields[.authorization] = "Bearer limits-test-organizer"
        #expect((try? admission.admit(head, peer: "10.0.0.9").get()) != nil, "a hold with a token makes no identity")
        let join = HTTPRequest(method: .post, scheme: "http", authority: "x", path: "/api/events/1/queue")
        #expect((try? admission.admit(join, peer: "10.0.0.8").get()) != nil)
        #expect((try? admission.admit(join, peer: "10.0.0.8").get()) != nil)
        #expect((try? admission.admit(join, peer: "10.0.0.8").get()) == nil, "each anonymous join mints a guest, counted like a hold's")
    }

    @Test("waiting-room joins are limited per identity and per address")
    func joins() throws {
        let limiter = RateLimiter(try RateLimits(parsing: "joins=1/s"), clock: { 100 })
        #expect(limiter.admit(.joins, identity: "ann", address: "10.0.0.1") == nil)
        #expect(limiter.admit(.joins, identity: "ann", address: "10.0.0.1") == nil, "a burst of two seconds' worth")
        #expect(limiter.admit(.joins, identity: "ann", address: "10.0.0.1") != nil)
        #expect(RateLimits.standard.perIdentity[.joins] == 2)
    }

    @Test("a bucket lets a burst of twice the rate through, then one request per refill; identity and address count apart")
    func buckets() {
        let now = Mutex<TimeInterval>(100)
        let limiter = RateLimiter(RateLimits(perIdentity: [.holds: 2]), clock: { now.withLock { $0 } })
        for _ in 0 ..< 4 { #expect(limiter.admit(.holds, identity: "ann", address: "10.0.0.1") == nil) }
        let wait = limiter.admit(.holds, identity: "ann", address: "10.0.0.1")
        #expect(wait != nil && abs(wait! - 0.5) < 0.01, "the fifth waits for half a second's refill")
        #expect(limiter.admit(.holds, identity: "bob", address: "10.0.0.1") == nil, "bob has his own bucket; the address has 40")
        #expect(limiter.admit(.payments, identity: "ann", address: "10.0.0.1") == nil, "an action without a limit is free")
        now.withLock { $0 += 0.5 }
        #expect(limiter.admit(.holds, identity: "ann", address: "10.0.0.1") == nil)
        #expect(limiter.admit(.holds, identity: "ann", address: "10.0.0.1") != nil)
        for _ in 0 ..< 39 { _ = limiter.admit(.holds, identity: nil, address: "10.0.0.2") }
        #expect(limiter.admit(.holds, identity: nil, address: "10.0.0.2") == nil, "an address gets ten times an identity's burst: 40")
        #expect(limiter.admit(.holds, identity: nil, address: "10.0.0.2") != nil)
        #expect(RateLimiter(.off).admit(.holds, identity: "ann", address: nil) == nil)
    }

    @Test("--rate-limit reads off, N/s, N/min and ACTION=off, and refuses anything else")
    func parsing() throws {
        #expect(try RateLimits(parsing: "off") == .off)
        let limits = try RateLimits(parsing: "holds=100/s, logins=6/min,deposits=off")
        #expect(limits.perIdentity[.holds] == 100 && limits.perIdentity[.logins] == 0.1 && limits.perIdentity[.deposits] == nil)
        #expect(limits.perIdentity[.payments] == RateLimits.standard.perIdentity[.payments], "the others keep their defaults")
        for bad in ["holds", "holds=0/s", "holds=-1/s", "holds=5/d", "seats=1/s", "holds=x/s"] {
            #expect(throws: InvalidRateLimit.self, "\(bad)") { try RateLimits(parsing: bad) }
        }
    }

    @Test("the gateway's address counts only when trusted, and then the last X-Forwarded-For entry")
    func addresses() {
        var head = HTTPRequest(method: .post, scheme: "http", authority: "x", path: "/api/book/safe")
        head.headerFields[.xForwardedFor] = "6.6.6.6, 203.0.113.9"
        #expect(ClientAddresses(trustForwardedFor: true).client(of: head, peer: "127.0.0.1") == "203.0.113.9")
        #expect(ClientAddresses(trustForwardedFor: false).client(of: head, peer: "127.0.0.1") == "127.0.0.1")
    }

    @Test("holds over the limit get 429 with Retry-After, on the event loop's path and the router's, and change nothing", arguments: TestBackend.all)
    func tooManyHolds(backend: TestBackend) async throws {
        var server = try await TestServer.make(backend)
        defer { server.remove() }
        // One hold a minute: a bucket of one, refilled long after this test (whatever the machine's load).
        server.configuration.rateLimits = try RateLimits(parsing: "holds=1/min,signups=off")
        try await server.runOverSockets { client, _ in
            let ann = try await client.guest()
            var statuses: [HTTPResponse.Status] = []
            var refused: JSONReply?
            for seat in 50 ..< 54 {
                let reply = try await client.send(.post, "/api/book/safe", json: #"{"seat_id": \#(seat)}"#, headers: ann.headers)
                statuses.append(reply.status)
                if reply.status == .tooManyRequests { refused = reply }
            }
            #expect(statuses == [.ok, .tooManyRequests, .tooManyRequests, .tooManyRequests], "\(statuses)")
            let problem = try #require(refused)
            #expect(problem.headers[.retryAfter].flatMap(Int.init).map { $0 >= 30 } == true, "a minute's bucket: wait most of a minute")
            #expect(problem.headers[.contentType] == "application/problem+json" && problem.object["type"] as? String == "https://boxoffice.dev/problems/rate-limited")
            #expect(try await client.send(.get, "/api/bookings", headers: ann.headers).array.count == 1, "refused holds hold nothing")
            let bob = try await client.guest()
            let other = try await client.send(.post, "/api/book/safe", json: #"{"seat_id": 60}"#, headers: bob.headers)
            #expect(other.status == .ok, "bob has his own bucket: \(other.text)")
        }
    }

    @Test("Content-Type and Authorization are read byte by byte, in any case")
    func headerParsing() {
        for (value, json) in [("application/json", true), ("Application/JSON", true), (" application/json ; charset=utf-8", true),
                              ("application/jsonx", false), ("application/problem+json", false), ("text/plain", false), ("", false)] {
            #expect(APICoding.isJSON(value) == json, "\(value)")
        }
        #expect(Authenticator.bearerToken("Bearer abc") == "abc")
        #expect(Authenticator.bearerToken("bEaReR   abc  ") == "abc")
        #expect(Authenticator.bearerToken("Bearer ") == nil && Authenticator.bearerToken("Basic abc") == nil && Authenticator.bearerToken("Bearer") == nil)
    }

    @Test("a JSON body without Content-Type: application/json is 415, on both paths")
    func mediaType() async throws {
        let server = try await TestServer.make(.sqlite)
        defer { server.remove() }
        try await server.runOverSockets { client, _ in
            let guest = try await client.guest()
            for (type, expected) in [(nil, HTTPResponse.Status.unsupportedMediaType), ("text/plain", .unsupportedMediaType), ("application/json; charset=utf-8", .ok)] {
                var headers = guest.headers
                if let type { headers[.contentType] = type }
                let reply = try await client.execute(uri: "/api/book/safe", method: .post, headers: headers, body: ByteBuffer(string: #"{"seat_id": 70}"#)) {
                    ($0.status, $0.headers[.contentType])
                }
                #expect(reply.0 == expected, "Content-Type \(type ?? "none")")
                if expected != .ok { #expect(reply.1 == "application/problem+json") }
            }
        }
    }

    @Test("CORS: a configured origin gets its preflight and headers; a page of another origin cannot write")
    func crossOrigin() async throws {
        var server = try await TestServer.make(.sqlite)
        defer { server.remove() }
        server.configuration.allowedOrigins = ["https://shop.example"]
        try await server.run { client in
            let preflight: HTTPFields = [.origin: "https://shop.example", .accessControlRequestMethod: "POST", .accessControlRequestHeaders: "authorization, content-type"]
            let allowed = try await client.send(.options, "/api/book/safe", headers: preflight)
            #expect(allowed.status == .noContent && allowed.headers[.accessControlAllowOrigin] == "https://shop.example")
            #expect(allowed.headers[.accessControlAllowHeaders]?.contains("Idempotency-Key") == true)
            var other = preflight
            other[.origin] = "https://evil.example"
            #expect(try await client.send(.options, "/api/book/safe", headers: other).status == .forbidden)

            let read = try await client.send(.get, "/api/events", headers: [.origin: "https://shop.example"])
            #expect(read.status == .ok && read.headers[.accessControlAllowOrigin] == "https://shop.example")
            let foreignRead = try await client.send(.get, "/api/events", headers: [.origin: "https://evil.example"])
            #expect(foreignRead.status == .ok && foreignRead.headers[.accessControlAllowOrigin] == nil, "no CORS headers: the page cannot read it")
            let write = try await client.send(.post, "/api/book/safe", json: #"{"seat_id": 80}"#, headers: [.origin: "https://evil.example"])
            #expect(write.status == .forbidden)
            let refused = try await client.send(.post, "/api/book/safe", json: #"{"seat_id": "x"}"#, headers: [.origin: "https://shop.example"])
            #expect(refused.status == .badRequest && refused.headers[.accessControlAllowOrigin] == "https://shop.example", "a refusal is readable by the page too")
            let own = try await client.send(.post, "/api/auth/guest", headers: [.origin: "https://shop.example"])
            #expect(own.status == .created || own.status == .ok)
        }
    }

    @Test("connections over the cap per address are closed at their accept, before a byte; closed ones make room")
    func connectionCap() async throws {
        var server = try await TestServer.make(.sqlite)
        defer { server.remove() }
        server.configuration.maxConnectionsPerAddress = 3
        try await server.runOverSockets { client, _ in
            let port = try #require(client.port)
            var channels: [any Channel] = []
            for _ in 0 ..< 6 {
                let channel = try await ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
                    .channelInitializer { channel in channel.eventLoop.makeCompletedFuture { try channel.pipeline.syncOperations.addHTTPClientHandlers() } }
                    .connect(host: "127.0.0.1", port: port).get()
                channels.append(channel)
            }
            try await Task.sleep(for: .milliseconds(300))
            let open = channels.filter(\.isActive).count
            #expect(open <= 3 && open >= 2, "\(open) of 6 stayed open (the test client may hold one)")
            for channel in channels { try? await channel.close() }
            try await Task.sleep(for: .milliseconds(100))
            let (answers, _) = try await PipelinedClient.send([.init(method: .GET, path: "/health/live")], port: port)
            #expect(answers.first?.status == 200)
        }
    }
}
