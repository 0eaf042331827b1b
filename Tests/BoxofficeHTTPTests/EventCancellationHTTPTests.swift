import BoxofficeHTTP
import BoxofficeTestSupport
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Testing

/// Calling an event off: sales stop at once, every hold is released and every paid booking refunded, on both backends.
@Suite("Cancelling an event over HTTP")
struct EventCancellationHTTPTests {
    @Test("a cancelled event stops selling; the job releases its holds and refunds its paid bookings, each once", arguments: TestBackend.all)
    func cancel(backend: TestBackend) async throws {
        let server = try await TestServer.make(backend)
        defer { server.remove() }
        try await server.run { client in
            let sale = try await TicketHTTPTests.sale(client)
            let second = try #require(try await client.send(.post, "/api/book/safe", json: #"{"seat_id": \#(sale.firstSeat + 5)}"#, headers: sale.buyer).object["booking_id"] as? String)
            #expect(try await client.send(.post, "/api/bookings/\(second)/pay", headers: sale.buyer).object["status"] as? String == "confirmed")
            let guest = try await client.guest()
            let hold = try #require(try await client.send(.post, "/api/book/safe", json: #"{"seat_id": \#(sale.firstSeat + 6)}"#, headers: guest.headers).object["booking_id"] as? String)
            #expect(try await client.send(.get, "/api/events/\(sale.event)/cancel", headers: client.organizer).status == .notFound, "not cancelled yet")
            #expect(try await client.send(.post, "/api/events/\(sale.event)/cancel", headers: sale.buyer).status == .forbidden)

            let started = try await client.send(.post, "/api/events/\(sale.event)/cancel", headers: client.organizer)
            #expect(started.status == .accepted && started.object["status"] as? String == "running", "\(started.text)")
            let refused = try await client.send(.post, "/api/book/safe", json: #"{"seat_id": \#(sale.firstSeat + 7)}"#, headers: guest.headers)
            #expect(refused.status == .conflict && (refused.object["detail"] as? String ?? "").contains("cancelled"), "\(refused.text)")
            var job: [String: Any] = [:]
            for _ in 0 ..< 300 {
                job = try await client.send(.get, "/api/events/\(sale.event)/cancel", headers: client.organizer).object
                if job["status"] as? String == "finished" { break }
                try await Task.sleep(for: .milliseconds(50))
            }
            #expect(job["status"] as? String == "finished" && job["refunded"] as? Int == 2 && job["remaining"] as? Int == 0, "\(job)")
            for booking in [sale.booking, second] {
                #expect(try await client.send(.get, "/api/bookings/\(booking)", headers: sale.buyer).object["status"] as? String == "refunded")
            }
            #expect(try await client.send(.get, "/api/bookings/\(hold)", headers: guest.headers).object["status"] as? String == "released")
            _ = try await RefundHTTPTests.credited(client, booking: sale.booking, count: 1)
            _ = try await RefundHTTPTests.credited(client, booking: second, count: 1)
            #expect(try await RefundHTTPTests.balance(client, sale.buyer) == 100_000)
            let event = try await client.send(.get, "/api/events/\(sale.event)").object
            #expect(event["status"] as? String == "cancelled" && event["phase"] as? String == "cancelled", "\(event)")
            let secret = try #require(sale.tickets[0]["secret"] as? String)
            #expect(try await TicketHTTPTests.scan(client, event: sale.event, secret: secret, headers: client.organizer)["result"] as? String == "revoked")
            let again = try await client.send(.post, "/api/events/\(sale.event)/cancel", headers: client.organizer)
            #expect(again.status == .ok && again.object["started_at"] as? String == started.object["started_at"] as? String, "the same job: \(again.text)")
            #expect(try await client.send(.patch, "/api/events/\(sale.event)", json: #"{"title": "Back on"}"#, headers: client.organizer).status == .conflict)
            #expect(try await client.send(.post, "/api/events/\(sale.event)/publish", headers: client.organizer).status == .conflict, "a cancelled event stays cancelled")
            #expect(try await server.database.count("SELECT CAST(COUNT(*) AS TEXT) FROM refunds WHERE cause = 'event_cancelled'") == 2, "each booking refunded once")
            #expect(try await MoneyCheck.violations(server.database) == [])
        }
    }
}
