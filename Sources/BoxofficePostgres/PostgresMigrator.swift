import BoxofficeStorage
import Foundation
import Logging
import PostgresNIO

/// Applies migrations to a PostgreSQL database under an advisory lock, so instances starting together
/// apply each migration exactly once.
public struct PostgresMigrator: Sendable {
    /// The advisory lock key that serialises migrations (and first-start demo data) across instances.
    static let lockKey: Int64 = 0x426F_786F_6666_01

    private let client: PostgresClient
    private let migrations: [Migration]
    private let logger: Logger
    private let name: String
    private let preamble: [String]

    /// Creates a migrator; `name` identifies the database in errors, `preamble` runs under the lock before
    /// anything else (such as creating the service's schema).
    public init(client: PostgresClient, migrations: [Migration], name: String, preamble: [String] = [], logger: Logger) {
        self.client = client
        self.migrations = migrations.sorted { $0.version < $1.version }
        self.name = name
        self.preamble = preamble
        self.logger = logger
    }

    /// Applies every migration not yet recorded, all in one transaction.
    /// - Returns: the versions applied now.
    /// - Throws: ``MigrationError`` when the database is newer than this binary.
    @discardableResult
    public func migrate() async throws -> [Int] {
        let latest = migrations.last?.version ?? 0
        let pending = migrations
        let name = name
        do {
            return try await migrate(latest: latest, pending: pending, name: name)
        } catch let error as PostgresTransactionError {
            throw error.closureError ?? error
        }
    }

    private func migrate(latest: Int, pending: [Migration], name: String) async throws -> [Int] {
        try await client.withTransaction(logger: logger) { connection in
            try await connection.query("SELECT pg_advisory_xact_lock(\(Self.lockKey))", logger: logger)
            for statement in preamble { try await connection.query(PostgresQuery(unsafeSQL: statement), logger: logger) }
            try await connection.query(
                "CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TIMESTAMPTZ NOT NULL DEFAULT now())",
                logger: logger
            )
            var current = 0
            for try await version in try await connection.query("SELECT COALESCE(MAX(version), 0) FROM schema_migrations", logger: logger).decode(Int.self) {
                current = version
            }
            guard current <= latest else { throw MigrationError.schemaNewer(database: current, binary: latest, path: name) }
            var applied: [Int] = []
            for migration in pending where migration.version > current {
                for statement in migration.statements { try await connection.query(PostgresQuery(unsafeSQL: statement), logger: logger) }
                try await connection.query("INSERT INTO schema_migrations (version, name) VALUES (\(migration.version), \(migration.name))", logger: logger)
                applied.append(migration.version)
            }
            return applied
        }
    }
}
