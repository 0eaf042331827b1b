import BoxofficeApp
import BoxofficeHTTP
import BoxofficeTestSupport
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Testing

/// Registering webhooks over HTTP, and the notices a sale's changes become, on both backends.
@Suite("Webhooks over HTTP")
struct WebhookHTTPTests {
    @Test("registration refuses what a webhook may not be — private and loopback addresses included — and changes nothing", arguments: TestBackend.all)
    func refusals(backend: TestBackend) async throws {
        let server = try await TestServer.make(backend)
        defer { server.remove() }
        try await server.run { client in
            func register(_ body: String) async throws -> (HTTPResponse.Status, [String: Any]) {
                let reply = try await client.send(.post, "/api/webhooks", json: body, headers: client.organizer)
                return (reply.status, reply.object)
            }
            let refused: [(String, String)] = [
                (#"{"url": "http://127.0.0.1:8080/hook", "events": ["booking.confirmed"]}"#, "forbidden-address"),
                (#"{"url": "http://localhost/hook", "events": ["booking.confirmed"]}"#, "forbidden-address"),
                (#"{"url": "http://[::1]/hook", "events": ["booking.confirmed"]}"#, "forbidden-address"),
                (#"{"url": "http://10.0.0.8/hook", "events": ["booking.confirmed"]}"#, "forbidden-address"),
                (#"{"url": "http://169.254.169.254/latest/meta-data", "events": ["booking.confirmed"]}"#, "forbidden-address"),
                (#"{"url": "http://[fd12::1]/hook", "events": ["booking.confirmed"]}"#, "forbidden-address"),
                (#"{"url": "http://100.64.1.1/hook", "events": ["booking.confirmed"]}"#, "forbidden-address"),
                (#"{"url": "ftp://93.184.216.34/hook", "events": ["booking.confirmed"]}"#, "invalid-request"),
                (#"{"url": "https://user:pw@93.184.216.34/hook", "events": ["booking.confirmed"]}"#, "invalid-request"),
                (#"{"url": "https://93.184.216.34/hook", "events": []}"#, "invalid-request"),
                (#"{"url": "https://93.184.216.34/hook", "events": ["booking.paid"]}"#, "invalid-request"),
            ]
            for (body, type) in refused {
                let (status, problem) = try await register(body)
                #expect(status == .unprocessableContent && (problem["type"] as? String)?.hasSuffix(type) == true, "\(body): \(status) \(problem)")
            }
            #expect(try await register(#"{"url": "https://93.184.216.34/hook""#).0 == .badRequest)
            #expect(try await register(#"{"events": ["booking.confirmed"]}"#).0 == .badRequest)
            let none = try await client.send(.get, "/api/webhooks", headers: client.organizer).object["webhooks"] as? [Any]
            #expect(none?.isEmpty == true, "nothing was registered")

            let (status, endpoint) = try await register(#"{"url": "https://93.184.216.34/hook", "events": ["event.sold_out", "event.sold_out"]}"#)
            #expect(status == .created && endpoint["events"] as? [String] == ["event.sold_out"], "\(endpoint)")
            let id = try #require(endpoint["id"] as? String)
            let secret = try #require(endpoint["secret"] as? String)
            let listed = try await client.send(.get, "/api/webhooks", headers: client.organizer).object["webhooks"] as? [[String: Any]]
            #expect(listed?.count == 1 && listed?.first?["secret"] == nil, "the list does not show secrets")
            #expect(try await client.send(.get, "/api/webhooks/\(id)", headers: client.organizer).object["secret"] as? String == secret)
            #expect(try await client.send(.get, "/api/webhooks/\(id)/deliveries?status=lost", headers: client.organizer).status == .badRequest)
            #expect(try await client.send(.get, "/api/webhooks/\(id)/deliveries?limit=0", headers: client.organizer).status == .badRequest)
            #expect(try await client.send(.get, "/api/webhooks/\(id)/deliveries?before=x", headers: client.organizer).status == .badRequest)
            #expect(try await client.send(.post, "/api/webhooks/\(id)/deliveries/\(UUID())/resend", headers: client.organizer).status == .notFound)
            #expect(try await client.send(.post, "/api/webhooks/\(id)/deliveries/not-an-id/resend", headers: client.organizer).status == .notFound)
            #expect(try await client.send(.get, "/api/webhooks/\(UUID())", headers: client.organizer).status == .notFound)
            #expect(try await client.send(.get, "/api/webhooks/nope/deliveries", headers: client.organizer).status == .notFound)
            #expect(try await client.send(.delete, "/api/webhooks/\(id)", headers: client.organizer).status == .noContent)
            #expect(try await client.send(.delete, "/api/webhooks/\(id)", headers: client.organizer).status == .notFound)
            #expect(try await client.send(.get, "/api/webhooks/\(id)", headers: client.organizer).status == .notFound)
        }
    }

    @Test("a payment, a refund, a check-in and a cancellation each become one delivery with the facts of what happened", arguments: TestBackend.all)
    func notices(backend: TestBackend) async throws {
        var server = try await TestServer.make(backend)
        defer { server.remove() }
        server.configuration.allowPrivateWebhooks = true
        server.configuration.webhookTimeoutMilliseconds = 300
        try await server.run { client in
            // A closed port: every attempt fails, so the deliveries stay listed with their bodies.
            let body = #"{"url": "http://127.0.0.1:9/hook", "events": ["booking.confirmed", "booking.refunded", "checkin.admitted", "event.cancelled"]}"#
            let hook = try #require(try await client.send(.post, "/api/webhooks", json: body, headers: client.organizer).object["id"] as? String)
            let sale = try await TicketHTTPTests.sale(client)
            let secret = try #require(sale.tickets[0]["secret"] as? String)
            #expect(try await TicketHTTPTests.scan(client, event: sale.event, secret: secret, gate: "east", headers: client.organizer)["result"] as? String == "admitted")
            #expect(try await client.send(.post, "/api/bookings/\(sale.booking)/refund", json: #"{"tickets": [2]}"#, headers: client.organizer).status == .created)
            #expect(try await client.send(.post, "/api/events/\(sale.event)/cancel", headers: client.organizer).status == .accepted)

            var deliveries: [[String: Any]] = []
            for _ in 0 ..< 200 {
                deliveries = try await client.send(.get, "/api/webhooks/\(hook)/deliveries?limit=100", headers: client.organizer).object["deliveries"] as? [[String: Any]] ?? []
                // The cancellation refunds the booking's last ticket too: two refunds in all.
                if deliveries.count >= 5 { break }
                try await Task.sleep(for: .milliseconds(50))
            }
            let topics = deliveries.compactMap { $0["topic"] as? String }
            let job = try await client.send(.get, "/api/events/\(sale.event)/cancel", headers: client.organizer).text
            #expect(topics.sorted() == ["booking.confirmed", "booking.refunded", "booking.refunded", "checkin.admitted", "event.cancelled"], "\(topics) \(job)")
            let bodies = deliveries.compactMap { ($0["body"] as? String).flatMap { try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any] } }
            #expect(bodies.count == deliveries.count)
            for (delivery, body) in zip(deliveries, bodies) {
                #expect(body["id"] as? String == delivery["notice_id"] as? String && body["type"] as? String == delivery["topic"] as? String)
                #expect((body["event"] as? [String: Any])?["id"] as? Int == sale.event)
            }
            let checkin = try #require(bodies.first { $0["type"] as? String == "checkin.admitted" })
            #expect((checkin["checkin"] as? [String: Any])?["gate"] as? String == "east", "\(checkin)")
            #expect((checkin["booking"] as? [String: Any])?["id"] as? String == sale.booking)
            let refunds = bodies.filter { $0["type"] as? String == "booking.refunded" }.compactMap { $0["refund"] as? [String: Any] }
            #expect(refunds.compactMap { $0["cause"] as? String }.sorted() == ["event_cancelled", "organizer"], "\(refunds)")
            // Every attempt reaches nothing: no status, and the connection's failure said.
            var attempt: [String: Any]?
            for _ in 0 ..< 100 where attempt == nil {
                let page = try await client.send(.get, "/api/webhooks/\(hook)/deliveries?limit=100", headers: client.organizer).object
                attempt = (page["deliveries"] as? [[String: Any]])?.compactMap { ($0["attempt_log"] as? [[String: Any]])?.first }.first
                if attempt == nil { try await Task.sleep(for: .milliseconds(50)) }
            }
            #expect(attempt != nil && attempt?["status_code"] == nil && !(attempt?["detail"] as? String ?? "").isEmpty, "\(String(describing: attempt))")
            // Every delivery waits for its retry: pending, so not to be sent a second time at once.
            let pending = try #require(deliveries.first?["id"] as? String)
            let again = try await client.send(.post, "/api/webhooks/\(hook)/deliveries/\(pending)/resend", headers: client.organizer)
            #expect(again.status == .conflict && (again.object["type"] as? String)?.hasSuffix("delivery-pending") == true, "\(again.text)")
        }
    }
}
