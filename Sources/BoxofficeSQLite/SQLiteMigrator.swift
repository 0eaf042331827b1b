import BoxofficeStorage
import Foundation
import Logging
import SQLiteNIO

/// Applies migrations to a SQLite database and records them in `schema_migrations`.
public struct SQLiteMigrator: Sendable {
    private let database: SQLiteDatabaseFile
    private let migrations: [Migration]
    private let logger: Logger

    /// Creates a migrator for a list of migrations.
    public init(database: SQLiteDatabaseFile, migrations: [Migration], logger: Logger) {
        self.database = database
        self.migrations = migrations.sorted { $0.version < $1.version }
        self.logger = logger
    }

    /// Applies every migration not yet recorded, each in its own transaction.
    /// - Returns: the versions applied now.
    /// - Throws: ``MigrationError`` when the database is newer than this binary.
    @discardableResult
    public func migrate() async throws -> [Int] {
        let latest = migrations.last?.version ?? 0
        let pending = migrations
        let path = database.path
        return try await database.write { connection in
            _ = try await connection.query("""
                CREATE TABLE IF NOT EXISTS schema_migrations (
                    version INTEGER PRIMARY KEY, name TEXT NOT NULL,
                    applied_at INTEGER NOT NULL DEFAULT (CAST(strftime('%s', 'now') AS INTEGER) * 1000))
                """)
            let rows = try await connection.query("SELECT COALESCE(MAX(version), 0) AS version FROM schema_migrations")
            let current = rows.first?.column("version")?.integer ?? 0
            guard current <= latest else {
                throw MigrationError.schemaNewer(database: Int(current), binary: latest, path: path)
            }
            var applied: [Int] = []
            for migration in pending where migration.version > current {
                for statement in migration.statements { _ = try await connection.query(statement) }
                _ = try await connection.query(
                    "INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)",
                    [ColumnCoding.int(migration.version), .text(migration.name), ColumnCoding.millis(Date())]
                )
                applied.append(migration.version)
            }
            return applied
        }
    }
}
