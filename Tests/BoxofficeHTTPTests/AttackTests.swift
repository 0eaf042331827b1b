import Foundation
import Hummingbird
import HummingbirdTesting
import BoxofficeSQLite
import SQLiteNIO
import Testing

@Suite("The seed's attack")
struct AttackTests {
    @Test("50 concurrent bookings of one seat: exactly one 200 and 49 × 409")
    func fiftyOnOneSeat() async throws {
        let server = TestServer()
        defer { server.remove() }
        let statuses = try await server.run { client in
            try await withThrowingTaskGroup(of: HTTPResponse.Status.self) { group in
                for attacker in 1 ... 50 {
                    group.addTask {
                        try await client.send(.post, "/api/book/safe", json: #"{"seat_id": 25, "user_identifier": "attacker-\#(attacker)"}"#).status
                    }
                }
                return try await group.reduce(into: [HTTPResponse.Status]()) { $0.append($1) }
            }
        }
        #expect(statuses.filter { $0 == .ok }.count == 1)
        #expect(statuses.filter { $0 == .conflict }.count == 49)
        let database = try await server.database()
        let claims = try await database.read("SELECT COUNT(*) AS n FROM seat_claims WHERE seat_id = 25")
        #expect(claims.first?.column("n")?.integer == 1)
        let bookings = try await database.read("SELECT COUNT(*) AS n FROM bookings WHERE seat_ids = '25'")
        #expect(bookings.first?.column("n")?.integer == 1)
        try await database.close()
    }
}
