import BoxofficeSQLite
import ServiceLifecycle

/// Closes a database once graceful shutdown reaches it, after the server and workers have stopped, and
/// also when the service group is cancelled instead.
struct DatabaseCloser: Service {
    let database: SQLiteDatabaseFile

    func run() async throws {
        try? await gracefulShutdown()
        let database = database
        try await Task { try await database.close() }.value
    }
}
