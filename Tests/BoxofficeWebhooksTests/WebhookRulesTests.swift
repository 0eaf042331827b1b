import BoxofficeDomain
import Crypto
import Foundation
import Testing

@testable import BoxofficeWebhooks

@Suite("Webhook rules")
struct WebhookRulesTests {
    @Test("the signature is HMAC-SHA256 of \"t.body\" with the secret, as Stripe signs", arguments: ["{}", "{\"id\":\"x\",\"type\":\"booking.confirmed\"}"])
    func signature(body: String) throws {
        let data = Data(body.utf8)
        let header = WebhookSignature.sign(data, secret: "whsec_test", timestamp: 1_800_000_000)
        let expected = HMAC<SHA256>.authenticationCode(for: Data("1800000000.\(body)".utf8), using: SymmetricKey(data: Data("whsec_test".utf8)))
        #expect(header == "t=1800000000,v1=" + expected.map { String(format: "%02x", $0) }.joined())
        let now = Date(timeIntervalSince1970: 1_800_000_100)
        #expect(WebhookSignature.verify(header, body: data, secret: "whsec_test", now: now))
        #expect(!WebhookSignature.verify(header, body: Data((body + " ").utf8), secret: "whsec_test", now: now), "another body")
        #expect(!WebhookSignature.verify(header, body: data, secret: "whsec_other", now: now), "another secret")
        #expect(!WebhookSignature.verify(header, body: data, secret: "whsec_test", now: now.addingTimeInterval(600)), "too old: a replay")
    }

    @Test("addresses webhooks may not reach are refused; public ones pass", arguments: [
        ("127.0.0.1", "loopback"), ("10.1.2.3", "private"), ("172.31.255.255", "private"), ("192.168.0.10", "private"),
        ("169.254.169.254", "link-local"), ("100.64.0.1", "shared (carrier-grade NAT)"), ("0.0.0.0", "unspecified"),
        ("224.0.0.1", "multicast"), ("255.255.255.255", "reserved"), ("192.0.2.7", "documentation"), ("::1", "loopback"), ("::", "unspecified"),
        ("fd00::1", "private"), ("fe80::1", "link-local"), ("ff02::1", "multicast"), ("::ffff:127.0.0.1", "loopback"),
        ("64:ff9b::a00:1", "private"), ("64:ff9b:1::7f00:1", "loopback"), ("2002:c0a8:0101::1", "private"), ("2001:db8::1", "documentation"),
        ("2001:2::1", "reserved"), ("2001:10::1", "reserved"), ("192.88.99.1", "reserved"),
    ])
    func restricted(address: String, kind: String) throws {
        #expect(NetworkAddress(address)?.restriction == kind)
    }

    @Test("public addresses pass", arguments: ["93.184.216.34", "8.8.8.8", "172.32.0.1", "100.128.0.1", "2606:4700:4700::1111", "[2a00:1450::1]"])
    func publicAddress(address: String) {
        #expect(NetworkAddress(address) != nil)
        #expect(NetworkAddress(address)?.restriction == nil)
    }

    @Test("a webhook URL is http(s) with a host, no credentials, no fragment; loopback names and private literals are refused unless allowed")
    func urls() throws {
        #expect(try WebhookURL("https://hooks.example.com/boxoffice?x=1", allowPrivate: false).host == "hooks.example.com")
        for bad in ["ftp://example.com/", "https:///path", "https://user:pw@example.com/", "https://example.com/#frag", "not a url", ""] {
            #expect(throws: WebhookError.self, "\(bad)") { try WebhookURL(bad, allowPrivate: false) }
        }
        for forbidden in ["http://localhost:8080/", "http://api.localhost/", "http://127.0.0.1:9/", "http://[::1]/", "http://10.0.0.1/", "http://169.254.169.254/latest"] {
            #expect(throws: WebhookError.self, "\(forbidden)") { try WebhookURL(forbidden, allowPrivate: false) }
            #expect(try WebhookURL(forbidden, allowPrivate: true).url.absoluteString == forbidden)
        }
    }

    @Test("a name that resolves to a private address is refused; one that resolves to nothing too")
    func resolved() async throws {
        struct Resolver: HostResolver {
            func addresses(of host: String) async -> [NetworkAddress] {
                switch host {
                case "inside.example": [NetworkAddress("93.184.216.34")!, NetworkAddress("10.0.0.5")!]
                case "outside.example": [NetworkAddress("93.184.216.34")!]
                default: []
                }
            }
        }
        let guarded = WebhookAddressGuard(resolver: Resolver(), allowPrivate: false)
        #expect(try await guarded.check(WebhookURL("https://outside.example/", allowPrivate: false)) == NetworkAddress("93.184.216.34"), "the address to connect to")
        #expect(try await guarded.check(WebhookURL("https://93.184.216.34/", allowPrivate: false)) == nil, "an address is connected to as it is")
        await #expect(throws: WebhookError.forbiddenAddress(host: "inside.example", address: "inside.example", kind: "private"), "what it resolves to is not told") {
            try await guarded.check(WebhookURL("https://inside.example/", allowPrivate: false))
        }
        await #expect(throws: WebhookError.unresolvableHost("nowhere.example")) {
            try await guarded.check(WebhookURL("https://nowhere.example/", allowPrivate: false))
        }
        #expect(try await WebhookAddressGuard(resolver: Resolver(), allowPrivate: true).check(WebhookURL("https://inside.example/", allowPrivate: true)) == nil)
    }

    @Test("registration names known topics; the secret is fresh and long; the endpoint wants its topics from its registration on")
    func registration() throws {
        let at = Date(timeIntervalSince1970: 1_800_000_000)
        let endpoint = try WebhookEndpoint.register(
            url: "https://hooks.example.com/", topics: ["booking.confirmed", "checkin.admitted"], by: "org", at: at, allowPrivate: false
        )
        #expect(endpoint.topics == [.bookingConfirmed, .checkinAdmitted])
        #expect(endpoint.secret.hasPrefix("whsec_") && endpoint.secret.count == 6 + 43)
        #expect(try WebhookEndpoint.register(url: "https://a.example/", topics: ["event.sold_out"], by: "o", at: at, allowPrivate: false).secret != endpoint.secret)
        #expect(throws: WebhookError.self) { try WebhookEndpoint.register(url: "https://a.example/", topics: [], by: "o", at: at, allowPrivate: false) }
        #expect(throws: WebhookError.self) { try WebhookEndpoint.register(url: "https://a.example/", topics: ["booking.paid"], by: "o", at: at, allowPrivate: false) }
        let event = EventID(rawValue: 1)
        #expect(endpoint.wants(Notice(topic: .bookingConfirmed, eventID: event, at: at)))
        #expect(!endpoint.wants(Notice(topic: .bookingRefunded, eventID: event, at: at)), "not subscribed")
        #expect(!endpoint.wants(Notice(topic: .bookingConfirmed, eventID: event, at: at.addingTimeInterval(-1))), "before it was registered")
    }

    @Test("retries wait twice as long each time up to the cap, and stop (park) past the window")
    func retries() {
        let schedule = RetrySchedule(base: 10, cap: 60, window: 200)
        let start = Date(timeIntervalSince1970: 0)
        let until = start.addingTimeInterval(200)
        #expect(schedule.next(after: 1, at: start, until: until) == start.addingTimeInterval(10))
        #expect(schedule.next(after: 2, at: start, until: until) == start.addingTimeInterval(20))
        #expect(schedule.next(after: 3, at: start, until: until) == start.addingTimeInterval(40))
        #expect(schedule.next(after: 4, at: start, until: until) == start.addingTimeInterval(60))
        #expect(schedule.next(after: 30, at: start, until: until) == start.addingTimeInterval(60))
        #expect(schedule.next(after: 1, at: start.addingTimeInterval(195), until: until) == nil)
        #expect(RetrySchedule.standard.window == 86_400)
    }
}
