import BoxofficeApp
@testable import BoxofficeHTTP
import BoxofficeTestSupport
import Foundation
import Hummingbird
import HummingbirdTesting
import NIOHTTP1
import Testing

/// The one admission step: the path's one spelling, and every rule refusing the same request the same way on
/// the event loop's fast path and on the router's.
@Suite("The admission step")
struct AdmissionTests {
    @Test("a path is read in one spelling: empty, '.' and '..' segments and encoded separators are refused", arguments: [
        ("/api/events", true), ("/api/events/1/seats?x=1", true), ("/", true), ("/docs/", true), ("/js/main.js", true), ("/caf%C3%A9", true),
        ("//api/events", false), ("/api//events", false), ("/api/events/", false), ("/./api/events", false), ("/api/../api/events", false),
        ("/api/%2e%2e/x", false), ("/api%2Fevents", false), ("/api/events%2f1", false), ("/index.html%00.png", false), ("/a\\b", false),
        ("/%2E/api", false), ("api/events", false), ("", false), ("/a%zz", false), ("/a%4", false),
    ])
    func canonicalPath(path: String, canonical: Bool) {
        #expect((CanonicalPath(target: path) != nil) == canonical, "\(path)")
    }

    @Test("segments after /api name the route for the limits")
    func routes() throws {
        let hold = try #require(CanonicalPath(target: "/api/bookings?x=1"))
        #expect(hold.isAPI && hold.apiSegments == ["bookings"] && RateLimits.Action.of(method: .post, path: hold) == .holds)
        let pay = try #require(CanonicalPath(target: "/api/bookings/7/pay"))
        #expect(RateLimits.Action.of(method: .post, path: pay) == .payments && RateLimits.Action.of(method: .get, path: pay) == nil)
        #expect(Admission.bodyLimit(.post, try #require(CanonicalPath(target: "/api/events"))) == Admission.eventBodyLimit)
        #expect(Admission.bodyLimit(.post, try #require(CanonicalPath(target: "/api/auth/login"))) == Admission.credentialsBodyLimit)
        #expect(Admission.bodyLimit(.post, try #require(CanonicalPath(target: "/api/book/safe"))) == Admission.jsonBodyLimit)
    }

    /// A hold on the fast path's route, and the same hold that the router answers (a query string sends it there).
    private static func pair(_ rule: AdmissionRule, token: String) -> (fast: PipelinedClient.Request, routed: PipelinedClient.Request) {
        let plain = #"{"seat_id": 40}"#
        func hold(_ path: String, headers: [(String, String)] = [], json: String? = plain, raw: (type: String, body: String)? = nil) -> PipelinedClient.Request {
            PipelinedClient.Request(method: .POST, path: path, headers: headers, json: json, raw: raw)
        }
        let bearer = [("Authorization", "Bearer \(token)")]
        func both(headers: [(String, String)] = bearer, json: String? = plain, raw: (type: String, body: String)? = nil) -> (PipelinedClient.Request, PipelinedClient.Request) {
            (hold("/api/book/safe", headers: headers, json: json, raw: raw), hold("/api/book/safe?via=router", headers: headers, json: json, raw: raw))
        }
        switch rule {
        case .canonicalPath: return (hold("//api/book/safe", headers: bearer), hold("/api/book/./safe", headers: bearer))
        case .requestHead: return both(headers: bearer + (0 ..< Admission.maxHeaderFields).map { ("X-Filler-\($0)", "x") })
        case .identity: return both(headers: [("Authorization", "Bearer not.a.token")])
        case .queuePass: return both(headers: bearer + [("Queue-Pass", "not.a-pass")])
        case .origin: return both(headers: bearer + [("Origin", "https://evil.example")])
        case .contentType: return both(json: nil, raw: ("text/plain", plain))
        case .bodyLimit: return both(json: #"{"seat_id": 40, "x": "\#(String(repeating: "x", count: Admission.jsonBodyLimit))"}"#)
        case .rateLimit: return both()
        case .idempotencyKey: return both(headers: [("Idempotency-Key", "k1")])
        }
    }

    @Test("every rule refuses the same request the same way on the event loop's path and the router's, and changes nothing", arguments: TestBackend.all)
    func parity(backend: TestBackend) async throws {
        var server = try await TestServer.make(backend)
        defer { server.remove() }
        // One hold a minute per identity: the first hold takes it, and the rate-limit pair is refused.
        server.configuration.rateLimits = try RateLimits(parsing: "holds=1/min,signups=off")
        let results = try await server.runOverSockets { client, count in
            let port = try #require(client.port)
            let guest = try await client.guest()
            let token = try #require(guest.headers[.authorization]).replacingOccurrences(of: "Bearer ", with: "")
            // Through the router: an answer of the event loop's path counted after it was read would be taken for the next's.
            let first = try await client.send(.post, "/api/book/safe?via=router", json: #"{"seat_id": 39}"#, headers: guest.headers)
            #expect(first.status == .ok)
            var results: [(AdmissionRule, PipelinedClient.Answer, PipelinedClient.Answer, fastOnEventLoop: Bool)] = []
            for rule in AdmissionRule.allCases {
                let (fast, routed) = Self.pair(rule, token: token)
                let before = count.value
                let fastAnswer = try #require(try await PipelinedClient.send([fast], port: port).answers.first)
                let onEventLoop = count.value > before
                let routedAnswer = try #require(try await PipelinedClient.send([routed], port: port).answers.first)
                results.append((rule, fastAnswer, routedAnswer, onEventLoop))
            }
            return results
        }
        let expected: [AdmissionRule: Int] = [
            .canonicalPath: 400, .requestHead: 431, .identity: 401, .queuePass: 403, .origin: 403, .contentType: 415, .bodyLimit: 413, .rateLimit: 429, .idempotencyKey: 401,
        ]
        for (rule, fast, routed, onEventLoop) in results {
            #expect(fast.status == expected[rule] && routed.status == expected[rule], "\(rule): \(fast.status) \(routed.status)")
            #expect(Self.type(fast.body) == Self.type(routed.body) && Self.type(fast.body) != nil, "\(rule): \(fast.body) | \(routed.body)")
            #expect(Set(fast.headers.map { $0.name.lowercased() }) == Set(routed.headers.map { $0.name.lowercased() }), "\(rule)")
            // The path's spelling is the problem's instance; a rate limit's wait goes down by the second.
            if rule != .canonicalPath, rule != .rateLimit { #expect(fast.body == routed.body, "\(rule)") }
            // A path in another spelling never reaches the fast path's route; every other refusal is its own.
            #expect(onEventLoop == (rule != .canonicalPath), "\(rule) answered on the event loop: \(onEventLoop)")
        }
        #expect(try await server.database.count("SELECT CAST(COUNT(*) AS TEXT) FROM seat_claims WHERE seat_id = 40") == 0)
    }

    @Test("every route of the router, spelled with '//', '/./' or '..', is refused 400 for every caller and changes nothing", arguments: TestBackend.all)
    func nonCanonicalRoutes(backend: TestBackend) async throws {
        let server = try await TestServer.make(backend)
        defer { server.remove() }
        try await server.runWithRoutes { client, routes in
            let guest = try await client.guest().headers
            let before = try await client.send(.get, "/api/events/1").object["seats_available"] as? Int
            var cells = 0
            for route in routes {
                let parts = route.split(separator: " ", maxSplits: 1)
                let method = HTTPRequest.Method(String(parts[0]))!
                let path = String(parts[1]).replacingOccurrences(of: "{id}", with: "1").replacingOccurrences(of: ":id", with: "1")
                guard path.hasPrefix("/api/") else { continue }
                for spelling in ["/" + path, "/api/." + path.dropFirst(4), path.replacingOccurrences(of: "/api/", with: "/api/x/../")] {
                    for headers in [[:], guest, client.organizer] as [HTTPFields] {
                        let reply = try await client.send(method, spelling, json: method == .post ? #"{"seat_id": 5, "event_id": 1, "seat_ids": [5]}"# : nil, headers: headers)
                        #expect(reply.status == .badRequest && (reply.object["type"] as? String)?.hasSuffix("/non-canonical-path") == true, "\(method) \(spelling): \(reply.status)")
                        cells += 1
                    }
                }
            }
            #expect(cells >= 60, "\(cells) cells")
            #expect(try await client.send(.get, "/api/events/1").object["seats_available"] as? Int == before, "no spelling held a seat")
        }
    }

    @Test("every answer carries the browser's security headers, the web app's and the API's, refusals too")
    func securityHeaders() async throws {
        let server = try await TestServer.make(.sqlite)
        defer { server.remove() }
        try await server.runOverSockets { client, _ in
            for (method, path) in [(HTTPRequest.Method.get, "/api/events"), (.get, "/health/live"), (.post, "/api/bookings/1/pay"), (.get, "//docs")] {
                let reply = try await client.send(method, path)
                #expect(reply.headers[.contentSecurityPolicy]?.contains("frame-ancestors 'none'") == true, "\(path)")
                #expect(reply.headers[.xContentTypeOptions] == "nosniff" && reply.headers[.referrerPolicy] != nil, "\(path)")
            }
            #expect(try await client.send(.get, "//docs").status == .badRequest, "no redirect to another host")
        }
    }

    private static func type(_ body: String) -> String? {
        (try? JSONSerialization.jsonObject(with: Data(body.utf8)) as? [String: Any])?["type"] as? String
    }
}
