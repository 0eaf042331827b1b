import BoxofficePostgres
import Foundation
import Logging
import PostgresNIO
import Synchronization

/// The PostgreSQL server named by `BOXOFFICE_TEST_POSTGRES_URL`, with one migrated template database from
/// which every test gets its own copy.
final class PostgresTestServer: Sendable {
    private static let instance = Mutex<PostgresTestServer?>(nil)

    private let settings: PostgresSettings
    private let template = "boxoffice_template_\(ProcessInfo.processInfo.processIdentifier)"
    private let templateReady = Mutex<Task<Void, any Error>?>(nil)

    private init(settings: PostgresSettings) {
        self.settings = settings
    }

    /// The server of this test run.
    static func shared() throws -> PostgresTestServer {
        try instance.withLock { instance in
            if let instance { return instance }
            guard let url = ProcessInfo.processInfo.environment["BOXOFFICE_TEST_POSTGRES_URL"] else {
                throw MissingPostgres()
            }
            let server = PostgresTestServer(settings: try PostgresSettings(url: url))
            instance = server
            return server
        }
    }

    /// The URL of a database on this server.
    func url(database: String) -> String {
        "postgres://\(settings.username):\(settings.password ?? "")@\(settings.host):\(settings.port)/\(database)"
    }

    /// Creates a database as a copy of the migrated template.
    func createDatabase(_ name: String) async throws {
        try await templateTask().value
        try await Self.withClient(url: url(database: settings.database)) { client in
            // The template's last session may still be closing on the server side: try again briefly.
            for attempt in 1 ... 20 {
                do {
                    try await client.query(PostgresQuery(unsafeSQL: "CREATE DATABASE \(name) TEMPLATE \(template)"))
                    return
                } catch where attempt < 20 {
                    try await Task.sleep(for: .milliseconds(100))
                }
            }
        }
    }

    /// Drops a test's database, ending its sessions.
    func dropDatabase(_ name: String) async throws {
        _ = try await Self.withClient(url: url(database: settings.database)) { client in
            try await client.query(PostgresQuery(unsafeSQL: "DROP DATABASE IF EXISTS \(name) WITH (FORCE)"))
        }
    }

    private func templateTask() -> Task<Void, any Error> {
        templateReady.withLock { task in
            if let task { return task }
            let created = Task { try await self.createTemplate() }
            task = created
            return created
        }
    }

    private func createTemplate() async throws {
        try await Self.withClient(url: url(database: settings.database)) { client in
            try await client.query(PostgresQuery(unsafeSQL: "DROP DATABASE IF EXISTS \(template)"))
            try await client.query(PostgresQuery(unsafeSQL: "CREATE DATABASE \(template)"))
        }
        try await Self.withClient(url: url(database: template)) { client in
            let store = PostgresBookingStore(client: client, timeout: .seconds(30), logger: Logger(label: "test-template"))
            try await store.migrate()
        }
    }

    /// Runs `body` with a client that is closed (every connection ended) when it returns.
    static func withClient<Value: Sendable>(url: String, schema: String? = nil, _ body: @Sendable (PostgresClient) async throws -> Value) async throws -> Value {
        var logger = Logger(label: "test-postgres")
        logger.logLevel = .critical
        let settings = try PostgresSettings(url: url)
        let configuration = schema.map(settings.clientConfiguration(schema:)) ?? settings.clientConfiguration
        let client = PostgresClient(configuration: configuration, backgroundLogger: logger)
        return try await withThrowingTaskGroup(of: Value?.self) { group in
            group.addTask {
                await client.run()
                return nil
            }
            defer { group.cancelAll() }
            return try await body(client)
        }
    }
}

/// PostgreSQL tests were asked for but no server was named.
struct MissingPostgres: Error, CustomStringConvertible {
    var description: String { "BOXOFFICE_REQUIRE_POSTGRES=1 but BOXOFFICE_TEST_POSTGRES_URL names no server; run scripts/test" }
}
