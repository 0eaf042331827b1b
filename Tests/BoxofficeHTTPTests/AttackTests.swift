import BoxofficeBaselines
import BoxofficeDomain
import BoxofficeTestSupport
import Foundation
import Hummingbird
import HummingbirdTesting
import Testing

@Suite("The seed's attack")
struct AttackTests {
    @Test("50 concurrent bookings of one seat: exactly one 200 and 49 × 409, with every hold strategy", arguments: TestBackend.all, HoldStrategy.allCases)
    func fiftyOnOneSeat(backend: TestBackend, strategy: HoldStrategy) async throws {
        try await attack(backend: backend, strategy: strategy, over: .router)
    }

    @Test(
        "the same over real connections, where the event loop answers book/safe itself",
        arguments: TestBackend.all, HoldStrategy.allCases
    )
    func fiftyOnOneSeatOverSockets(backend: TestBackend, strategy: HoldStrategy) async throws {
        try await attack(backend: backend, strategy: strategy, over: .ahc(.http))
    }

    private func attack(backend: TestBackend, strategy: HoldStrategy, over setup: TestingSetup) async throws {
        let server = try await TestServer.make(backend, strategy: strategy)
        defer { server.remove() }
        let statuses = try await server.run(setup) { client in
            try await withThrowingTaskGroup(of: HTTPResponse.Status.self) { group in
                for attacker in 1 ... 50 {
                    group.addTask {
                        try await client.send(.post, "/api/book/safe", json: #"{"seat_id": 25, "user_identifier": "attacker-\#(attacker)"}"#).status
                    }
                }
                return try await group.reduce(into: [HTTPResponse.Status]()) { $0.append($1) }
            }
        }
        #expect(statuses.filter { $0 == .ok }.count == 1, "\(statuses.map(\.code))")
        #expect(statuses.filter { $0 == .conflict }.count == 49, "\(statuses.map(\.code))")
        #expect(try await server.database.count("SELECT CAST(COUNT(*) AS TEXT) FROM seat_claims WHERE seat_id = 25") == 1)
        #expect(try await server.database.count("SELECT CAST(COUNT(*) AS TEXT) FROM bookings WHERE seat_ids = '25'") == 1)
    }
}
