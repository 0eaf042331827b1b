import BoxofficeHTTP
import BoxofficeTestSupport
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Testing

/// The organizer's sales chart, from the database, on both backends.
@Suite("Sales statistics over HTTP")
struct SalesStatsHTTPTests {
    @Test("sold, revenue, refunds, holds, conflicts and check-ins add up per minute and per category", arguments: TestBackend.all)
    func stats(backend: TestBackend) async throws {
        let server = try await TestServer.make(backend)
        defer { server.remove() }
        try await server.run { client in
            let sale = try await TicketHTTPTests.sale(client)
            // A seat of the sale asked for again: a conflict. Ticket 3 (standing, 5.00) refunded; ticket 1 let in.
            let taken = try await client.send(.post, "/api/book/safe", json: #"{"seat_id": \#(sale.firstSeat)}"#, headers: try await client.guest().headers)
            #expect(taken.status == .conflict)
            _ = try await client.send(.post, "/api/bookings/\(sale.booking)/refund", json: #"{"tickets": [3]}"#, headers: client.organizer)
            _ = try await TicketHTTPTests.scan(client, event: sale.event, secret: try #require(sale.tickets[0]["secret"] as? String), headers: client.organizer)
            let path = "/api/events/\(sale.event)/stats"
            var stats: [String: Any] = [:]
            for _ in 0 ..< 100 {
                stats = try await client.send(.get, path, headers: client.organizer).object
                if (stats["totals"] as? [String: Any])?["conflicts"] as? Int == 1 { break }
                try await Task.sleep(for: .milliseconds(100))
            }
            let totals = try #require(stats["totals"] as? [String: Any], "\(stats)")
            #expect(totals["sold"] as? Int == 4 && totals["revenue_minor"] as? Int == 3000 && totals["refunded_minor"] as? Int == 500, "\(totals)")
            #expect(totals["holds"] as? Int == 1 && totals["conflicts"] as? Int == 1 && totals["checked_in"] as? Int == 1, "\(totals)")
            #expect(stats["step_seconds"] as? Int == 86_400, "sales opened years ago: a day a step")
            let recent = ISO8601DateFormatter().string(from: Date().addingTimeInterval(-600))
            let minutes = try await client.send(.get, path + "?from=\(recent)", headers: client.organizer).object
            let buckets = try #require(minutes["buckets"] as? [[String: Any]], "\(minutes)")
            #expect(minutes["step_seconds"] as? Int == 60 && (10 ... 11).contains(buckets.count), "the last ten minutes, a minute a step")
            #expect(buckets.reduce(0) { $0 + ($1["sold"] as? Int ?? 0) } == 4 && buckets.reduce(0) { $0 + ($1["conflicts"] as? Int ?? 0) } == 1)
            let categories = try #require(stats["by_category"] as? [[String: Any]])
            #expect(categories.map { "\($0["name"] ?? "") \($0["sold"] ?? "") \($0["revenue_minor"] ?? "")" } == ["Front 2 2000", "Standing 2 1000"])

            let daily = try await client.send(.get, path + "?from=2020-01-01T00:00:00Z&to=2031-01-01T00:00:00Z&step=86400", headers: client.organizer)
            #expect(daily.status == .ok && (daily.object["totals"] as? [String: Any])?["sold"] as? Int == 4, "\(daily.text)")
            for bad in ["?to=9999-12-31T23:59:59Z", "?from=1990-01-01T00:00:00Z", "?step=30", "?step=90", "?step=x", "?from=2030-01-01T00:00:00Z&to=2029-01-01T00:00:00Z", "?from=yesterday",
                        "?from=2020-01-01T00:00:00Z&to=2030-01-01T00:00:00Z&step=60"] {
                let answer = try await client.send(.get, path + bad, headers: client.organizer)
                #expect(answer.status == .badRequest || answer.status == .unprocessableContent, "\(bad): \(answer.text)")
            }
            #expect(try await client.send(.get, path, headers: sale.buyer).status == .forbidden)
        }
    }
}
