@testable import BoxofficePostgres
@testable import BoxofficeTestSupport
import Logging
import PostgresNIO
import Testing

@Suite("Prepared statements on PostgreSQL", .enabled(if: TestBackend.all.contains(.postgres), "set BOXOFFICE_TEST_POSTGRES_URL (scripts/test does)"))
struct PreparedStatementTests {
    private enum CountLater: PreparedSQL {
        static let sql = "SELECT count(*) FROM later WHERE n >= $1"
    }

    private static let logger = Logger(label: "prepared-test")

    @Test("a statement that could not be prepared (its table not there yet) runs once the table is: a connection's failed preparation is not kept as the statement's answer")
    func preparedAfterTheTable() async throws {
        let database = try await TestDatabase.make(.postgres)
        defer { database.remove() }
        try await PostgresTestServer.withClient(url: database.url ?? "") { client in
            await #expect(throws: PSQLError.self) { try await client.runPrepared(CountLater.self, try PostgresBindings(Int64(0)), logger: Self.logger) }
            try await client.query("CREATE TABLE later (n BIGINT)")
            try await client.query("INSERT INTO later VALUES (1), (2), (3)")
            for threshold in [Int64(2), 3, 4] {
                let rows = try await client.runPrepared(CountLater.self, try PostgresBindings(threshold), logger: Self.logger)
                #expect(try rows.first?.decode(Int64.self) == 4 - threshold)
            }
        }
    }
}
