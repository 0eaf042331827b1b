import BoxofficePostgres
import BoxofficeTestSupport
import Logging
import PostgresNIO
import Testing

/// A consumer's failure counts toward dead-lettering its message only when it is not the database's fault.
@Suite("Which storage failures are transient")
struct StorageFailureTests {
    @Test("PostgreSQL: a deadline passed is transient; a syntax error and a constraint are not",
          .enabled(if: TestBackend.all.contains(.postgres)))
    func postgres() async throws {
        let database = try await TestDatabase.make(.postgres)
        defer { database.remove() }
        var logger = Logger(label: "failures")
        logger.logLevel = .critical
        let client = PostgresClient(configuration: try PostgresSettings(url: database.url ?? "").clientConfiguration, backgroundLogger: logger)
        let running = Task { await client.run() }
        defer { running.cancel() }
        func failure(_ sql: String) async -> (any Error)? {
            do {
                try await client.query(PostgresQuery(unsafeSQL: sql), logger: logger)
                return nil
            } catch {
                return error
            }
        }
        #expect(await failure("SELEC 1").map(PostgresFailures.isTransient) == false)
        #expect(await failure("CREATE TABLE failure_probe (id INT PRIMARY KEY)") == nil)
        #expect(await failure("INSERT INTO failure_probe VALUES (1)") == nil)
        #expect(await failure("INSERT INTO failure_probe VALUES (1)").map(PostgresFailures.isTransient) == false)
        let deadline: (any Error)?
        do {
            try await Deadline.run(within: .milliseconds(10)) { try await Task.sleep(for: .seconds(1)) }
            deadline = nil
        } catch {
            deadline = error
        }
        #expect(deadline.map(PostgresFailures.isTransient) == true)
    }
}
