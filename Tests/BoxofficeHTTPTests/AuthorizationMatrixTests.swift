import BoxofficeApp
import BoxofficeAuth
import BoxofficeDomain
import BoxofficeHTTP
import BoxofficeTestSupport
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Testing

/// Every route of the router × every kind of caller → what it may do, from the router's own route list: a route
/// added without a row here fails the test.
@Suite("The authorization matrix")
struct AuthorizationMatrixTests {
    /// Who calls.
    enum Caller: String, CaseIterable {
        case anonymous, guest, customerA, customerB, organizer, expired, otherKey, tampered
        var hasBadToken: Bool { self == .expired || self == .otherKey || self == .tampered }
    }

    /// What a caller gets, by authorization (the domain's own answers, such as `409`, count as allowed).
    enum Outcome: Equatable, CustomStringConvertible {
        case allowed, unauthorized, forbidden, hidden
        init(_ status: HTTPResponse.Status) {
            switch status.code {
            case 401: self = .unauthorized
            case 403: self = .forbidden
            case 404: self = .hidden
            default: self = .allowed
            }
        }
        var description: String {
            switch self {
            case .allowed: "allowed"
            case .unauthorized: "401"
            case .forbidden: "403"
            case .hidden: "404"
            }
        }
    }

    /// Who may use a route.
    enum Rule {
        /// Everyone, also without a token.
        case anyone
        /// Anyone signed in (a guest too).
        case signedIn
        /// Customer A's resource: A and organizers; anyone else is told it does not exist.
        case ownerOrOrganizer
        /// Customer A's resource, for A alone.
        case ownerOnly
        /// Organizers.
        case organizers

        func outcome(for caller: Caller) -> Outcome {
            if caller.hasBadToken { return .unauthorized }
            switch (self, caller) {
            case (.anyone, _): return .allowed
            case (_, .anonymous): return .unauthorized
            case (.signedIn, _): return .allowed
            case (.ownerOrOrganizer, .customerA), (.ownerOrOrganizer, .organizer), (.ownerOnly, .customerA), (.organizers, .organizer): return .allowed
            case (.organizers, _): return .forbidden
            default: return .hidden
            }
        }
    }

    static let secret = "authorization-matrix-test-secret-32-bytes-at-least"

    @Test("every route × {no token, guest, customer A, customer B, organizer, expired, other key, tampered}", arguments: TestBackend.all)
    func matrix(backend: TestBackend) async throws {
        var server = try await TestServer.make(backend, demo: false)
        defer { server.remove() }
        server.configuration.authSecret = Self.secret
        server.configuration.rateLimits = .off
        // Webhooks registered here point at a closed loopback port.
        server.configuration.allowPrivateWebhooks = true
        try await server.runWithRoutes { client, routes in
            let event = try #require(try await client.send(.post, "/api/events", json: Self.eventJSON, headers: client.organizer).object["id"] as? Int)
            let sections = try #require(try await client.send(.get, "/api/events/\(event)/seats").object["sections"] as? [[String: Any]])
            let first = try #require(((sections.first?["rows"] as? [[String: Any]])?.first?["first_seat_id"]) as? Int)
            let seat = Counter(Array(first ..< first + 500))
            let (a, _) = try await Self.signUp(client, "a@example.test")
            let (b, _) = try await Self.signUp(client, "b@example.test")
            var guest = try await client.guest().headers
            let aAccount = try #require(try await client.send(.post, "/api/accounts", json: #"{"currency": "EUR"}"#, headers: a).object["id"] as? String)
            for headers in [b, guest, client.organizer] { _ = try await client.send(.post, "/api/accounts", json: #"{"currency": "EUR"}"#, headers: headers) }
            _ = try await client.send(.post, "/api/accounts/\(aAccount)/deposits", json: #"{"amount_minor": 100000}"#, headers: a)
            let aToken = String(try #require(a[.authorization]).dropFirst("Bearer ".count))
            let aID = try #require(try await client.send(.get, "/api/auth/me", headers: a).object["id"] as? String)
            let bad = try await Self.badTokens(aToken: aToken, identity: aID)
            // A second event sells behind a waiting room, which every signed-in caller has joined.
            let queued = try #require(try await client.send(.post, "/api/events", json: Self.eventJSON, headers: client.organizer).object["id"] as? Int)
            #expect(try await client.send(.put, "/api/events/\(queued)/queue", json: #"{"enabled": true}"#, headers: client.organizer).status == .ok)
            for headers in [a, b, guest, client.organizer] { _ = try await client.send(.post, "/api/events/\(queued)/queue", headers: headers) }
            // A third asks its visitors for a proof of work.
            let proven = try #require(try await client.send(.post, "/api/events", json: Self.eventJSON, headers: client.organizer).object["id"] as? Int)
            #expect(try await client.send(.put, "/api/events/\(proven)/queue", json: #"{"proof_of_work": 4}"#, headers: client.organizer).status == .ok)
            func headers(_ caller: Caller) -> HTTPFields {
                switch caller {
                case .anonymous: [:]
                case .guest: guest
                case .customerA: a
                case .customerB: b
                case .organizer: client.organizer
                case .expired, .otherKey, .tampered: [.authorization: "Bearer \(bad[caller]!)"]
                }
            }
            func aHold() async throws -> String {
                try #require(try await client.send(.post, "/api/book/safe", json: #"{"seat_id": \#(seat.next())}"#, headers: a).object["booking_id"] as? String)
            }
            // A's paid booking: its tickets are A's (and organizers') to see; the door is the organizer's (and door staff's).
            func aPaid() async throws -> String {
                let booking = try await aHold()
                #expect(try await client.send(.post, "/api/bookings/\(booking)/pay", headers: a).object["status"] as? String == "confirmed")
                return booking
            }
            func webhook() async throws -> String {
                let body = #"{"url": "http://127.0.0.1:9/hook", "events": ["booking.confirmed"]}"#
                return try #require(try await client.send(.post, "/api/webhooks", json: body, headers: client.organizer).object["id"] as? String)
            }
            let hook = try await webhook()
            let paid = try await aPaid()
            // The payment's notice becomes a delivery to the hook within moments.
            var delivery: String?
            for _ in 0 ..< 100 where delivery == nil {
                let page = try await client.send(.get, "/api/webhooks/\(hook)/deliveries", headers: client.organizer).object
                delivery = (page["deliveries"] as? [[String: Any]])?.first?["id"] as? String
                if delivery == nil { try await Task.sleep(for: .milliseconds(50)) }
            }
            let hookDelivery = try #require(delivery)
            // Door staff rows add B to the third event's door, never to the first's, whose door cells expect B refused.
            let (bID, bEmail) = (try #require(try await client.send(.get, "/api/auth/me", headers: b).object["id"] as? String), "b@example.test")
            func login() async throws -> String {
                try #require(try await client.send(.post, "/api/auth/login", json: #"{"email": "a@example.test", "password": "a-password-1"}"#).object["refresh_token"] as? String)
            }
            // Each row: a request for the route (a fresh one per call, so cells do not depend on each other) and its rule.
            typealias Row = (rule: Rule, request: () async throws -> (String, String?))
            var emails = 0
            let rows: [String: Row] = [
                "GET /health/live": (.anyone, { ("/health/live", nil) }),
                "GET /health/ready": (.anyone, { ("/health/ready", nil) }),
                "GET /api/events": (.anyone, { ("/api/events", nil) }),
                "POST /api/events": (.organizers, { ("/api/events", Self.eventJSON) }),
                "GET /api/events/{id}": (.anyone, { ("/api/events/\(event)", nil) }),
                "GET /api/events/{id}/seats": (.anyone, { ("/api/events/\(event)/seats", nil) }),
                "GET /api/events/{id}/queue": (.anyone, { ("/api/events/\(queued)/queue", nil) }),
                "PUT /api/events/{id}/queue": (.organizers, { ("/api/events/\(queued)/queue", #"{"admit_per_minute": 600}"#) }),
                "POST /api/events/{id}/queue": (.anyone, { ("/api/events/\(queued)/queue", nil) }),
                "GET /api/events/{id}/queue/me": (.signedIn, { ("/api/events/\(queued)/queue/me", nil) }),
                "GET /api/events/{id}/queue/challenge": (.anyone, { ("/api/events/\(proven)/queue/challenge", nil) }),
                "POST /api/book/safe": (.anyone, { ("/api/book/safe", #"{"seat_id": \#(seat.next())}"#) }),
                "POST /api/bookings": (.anyone, { ("/api/bookings", #"{"event_id": \#(event), "seat_ids": [\#(seat.next())]}"#) }),
                "GET /api/bookings": (.signedIn, { ("/api/bookings", nil) }),
                "GET /api/bookings/{id}": (.ownerOrOrganizer, { ("/api/bookings/\(try await aHold())", nil) }),
                "POST /api/bookings/{id}/release": (.ownerOrOrganizer, { ("/api/bookings/\(try await aHold())/release", nil) }),
                "POST /api/bookings/{id}/pay": (.ownerOnly, { ("/api/bookings/\(try await aHold())/pay", nil) }),
                "POST /api/accounts": (.signedIn, { ("/api/accounts", #"{"currency": "EUR"}"#) }),
                "GET /api/accounts": (.signedIn, { ("/api/accounts", nil) }),
                "GET /api/accounts/{id}": (.ownerOrOrganizer, { ("/api/accounts/\(aAccount)", nil) }),
                "POST /api/accounts/{id}/deposits": (.ownerOnly, { ("/api/accounts/\(aAccount)/deposits", #"{"amount_minor": 100}"#) }),
                "GET /api/accounts/{id}/ledger": (.ownerOrOrganizer, { ("/api/accounts/\(aAccount)/ledger", nil) }),
                "POST /api/auth/guest": (.anyone, { ("/api/auth/guest", nil) }),
                "POST /api/auth/signup": (.anyone, {
                    emails += 1
                    return ("/api/auth/signup", #"{"email": "new\#(emails)@example.test", "password": "a-password-1"}"#)
                }),
                "POST /api/auth/login": (.anyone, { ("/api/auth/login", #"{"email": "a@example.test", "password": "a-password-1"}"#) }),
                "POST /api/auth/refresh": (.anyone, { ("/api/auth/refresh", #"{"refresh_token": "\#(try await login())"}"#) }),
                "POST /api/auth/logout": (.anyone, { ("/api/auth/logout", #"{"refresh_token": "\#(try await login())"}"#) }),
                "GET /api/auth/me": (.signedIn, { ("/api/auth/me", nil) }),
                "GET /api/ws": (.anyone, { ("/api/ws", nil) }),
                "POST /api/init_db": (.organizers, { ("/api/init_db", nil) }),
                "GET /api/bookings/{id}/tickets": (.ownerOrOrganizer, { ("/api/bookings/\(paid)/tickets", nil) }),
                "GET /api/tickets/{id}": (.ownerOrOrganizer, { ("/api/tickets/\(paid).1", nil) }),
                "GET /api/tickets/{id}/qr.svg": (.ownerOrOrganizer, { ("/api/tickets/\(paid).1/qr.svg", nil) }),
                "GET /api/tickets/{id}/qr.png": (.ownerOrOrganizer, { ("/api/tickets/\(paid).1/qr.png", nil) }),
                "POST /api/tickets/{id}/reissue": (.ownerOrOrganizer, { ("/api/tickets/\(paid).1/reissue", nil) }),
                "GET /api/events/{id}/tickets/key": (.anyone, { ("/api/events/\(event)/tickets/key", nil) }),
                "POST /api/events/{id}/checkins": (.organizers, { ("/api/events/\(event)/checkins", #"{"secret": "not-a-ticket", "nonce": "n"}"#) }),
                "GET /api/events/{id}/checkins": (.organizers, { ("/api/events/\(event)/checkins", nil) }),
                "GET /api/events/{id}/checkins/offline": (.organizers, { ("/api/events/\(event)/checkins/offline", nil) }),
                "GET /api/events/{id}/staff": (.organizers, { ("/api/events/\(event)/staff", nil) }),
                "POST /api/events/{id}/staff": (.organizers, { ("/api/events/\(proven)/staff", #"{"email": "\#(bEmail)"}"#) }),
                "POST /api/bookings/{id}/refund": (.organizers, { ("/api/bookings/\(try await aPaid())/refund", nil) }),
                "POST /api/bookings/{id}/cancel": (.ownerOnly, { ("/api/bookings/\(paid)/cancel", nil) }),
                "GET /api/bookings/{id}/history": (.ownerOrOrganizer, { ("/api/bookings/\(paid)/history", nil) }),
                "GET /api/events/{id}/bookings": (.organizers, { ("/api/events/\(event)/bookings?q=a%40example.test", nil) }),
                "GET /api/orders": (.organizers, { ("/api/orders?status=confirmed", nil) }),
                "GET /api/events/{id}/stats": (.organizers, { ("/api/events/\(event)/stats", nil) }),
                "POST /api/events/{id}/cancel": (.organizers, {
                    let doomed = try #require(try await client.send(.post, "/api/events", json: Self.eventJSON, headers: client.organizer).object["id"] as? Int)
                    return ("/api/events/\(doomed)/cancel", nil)
                }),
                "GET /api/events/{id}/cancel": (.organizers, {
                    let doomed = try #require(try await client.send(.post, "/api/events", json: Self.eventJSON, headers: client.organizer).object["id"] as? Int)
                    _ = try await client.send(.post, "/api/events/\(doomed)/cancel", headers: client.organizer)
                    return ("/api/events/\(doomed)/cancel", nil)
                }),
                "PATCH /api/events/{id}": (.organizers, { ("/api/events/\(event)", #"{"venue": "Hall"}"#) }),
                "POST /api/events/{id}/publish": (.organizers, { ("/api/events/\(event)/publish", nil) }),
                "GET /api/events/{id}/export.csv": (.organizers, { ("/api/events/\(event)/export.csv", nil) }),
                "GET /api/payments/{booking}": (.ownerOrOrganizer, { ("/api/payments/\(paid)", nil) }),
                "POST /api/webhooks": (.organizers, { ("/api/webhooks", #"{"url": "http://127.0.0.1:9/other", "events": ["event.sold_out"]}"#) }),
                "GET /api/webhooks": (.organizers, { ("/api/webhooks", nil) }),
                "GET /api/webhooks/{id}": (.organizers, { ("/api/webhooks/\(hook)", nil) }),
                "DELETE /api/webhooks/{id}": (.organizers, { ("/api/webhooks/\(try await webhook())", nil) }),
                "GET /api/webhooks/{id}/deliveries": (.organizers, { ("/api/webhooks/\(hook)/deliveries", nil) }),
                "POST /api/webhooks/{id}/deliveries/{delivery}/resend": (.organizers, { ("/api/webhooks/\(hook)/deliveries/\(hookDelivery)/resend", nil) }),
                "DELETE /api/events/{id}/staff/{identity}": (.organizers, {
                    _ = try await client.send(.post, "/api/events/\(proven)/staff", json: #"{"email": "\#(bEmail)"}"#, headers: client.organizer)
                    return ("/api/events/\(proven)/staff/\(bID)", nil)
                }),
            ]
            let missing = routes.filter { rows[$0] == nil }
            #expect(missing.isEmpty, "routes without a row in the matrix: \(missing)")
            var cells = 0
            // init_db empties the database: its cells go last.
            for route in routes.sorted(by: { ($0.hasSuffix("init_db") ? 1 : 0, $0) < ($1.hasSuffix("init_db") ? 1 : 0, $1) }) {
                guard let row = rows[route] else { continue }
                let method = HTTPRequest.Method(String(route.split(separator: " ")[0]))!
                for caller in Caller.allCases {
                    let (path, body) = try await row.request()
                    let reply = try await client.send(method, path, json: body, headers: headers(caller))
                    let expected = row.rule.outcome(for: caller)
                    #expect(Outcome(reply.status) == expected, "\(route) as \(caller.rawValue): \(reply.status.code) \(reply.text.prefix(160))")
                    if reply.status.code >= 500 { Issue.record("\(route) as \(caller.rawValue) answered \(reply.status.code)") }
                    // A guest that signed up is a customer: its guest token no longer works, and the next cells need a guest.
                    if route == "POST /api/auth/signup", caller == .guest { guest = try await client.guest().headers }
                    cells += 1
                }
            }
            print("authorization matrix: \(routes.count) routes × \(Caller.allCases.count) callers = \(cells) cells checked")
            #expect(cells == routes.count * Caller.allCases.count)
        }
    }

    static let eventJSON = #"""
    {"title": "Matrix night", "venue": "Hall", "starts_at": "2031-01-01T20:00:00Z", "sales_start": "2020-01-01T00:00:00Z",
     "sales_end": "2031-01-01T18:00:00Z", "currency": "EUR", "categories": [{"id": "all", "name": "All", "price_minor": 1000}],
     "seat_map": {"sections": [{"name": "Hall", "rows": [{"rows": "A-J", "seats": "1-50", "category": "all"}]}]}}
    """#

    static func signUp(_ client: any TestClientProtocol, _ email: String) async throws -> (HTTPFields, String) {
        let grant = try await client.send(.post, "/api/auth/signup", json: #"{"email": "\#(email)", "password": "a-password-1"}"#)
        let token = try #require(grant.object["access_token"] as? String)
        return ([.authorization: "Bearer \(token)"], try #require(grant.object["refresh_token"] as? String))
    }

    /// An expired token, one signed with another key, and A's token with its payload changed.
    static func badTokens(aToken: String, identity: String) async throws -> [Caller: String] {
        let id = try #require(UUID(uuidString: identity))
        let now = Date()
        let ours = try await TokenCodec.make(secret: Array(secret.utf8))
        let theirs = try await TokenCodec.make(secret: Array("another-key-that-is-also-32-bytes-long!!".utf8))
        let expired = try ours.sign(AccessClaims(identity: id, role: .customer, session: nil, issuedAt: now - 7_200, expiresAt: now - 3_600))
        let otherKey = try theirs.sign(AccessClaims(identity: id, role: .organizer, session: nil, issuedAt: now, expiresAt: now + 600))
        var parts = aToken.split(separator: ".").map(String.init)
        let payload = Data(base64Encoded: Self.padded(parts[1].replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")))!
        let raised = String(decoding: payload, as: UTF8.self).replacingOccurrences(of: "\"customer\"", with: "\"organizer\"")
        parts[1] = Data(raised.utf8).base64EncodedString().replacingOccurrences(of: "=", with: "").replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
        return [.expired: expired, .otherKey: otherKey, .tampered: parts.joined(separator: ".")]
    }

    static func padded(_ text: String) -> String { text + String(repeating: "=", count: (4 - text.count % 4) % 4) }
}

/// Hands out the event's seats one by one.
final class Counter: @unchecked Sendable {
    private var seats: [Int]
    init(_ seats: [Int]) { self.seats = seats }
    func next() -> Int { seats.removeFirst() }
}
