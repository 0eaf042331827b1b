import BoxofficeSQLite
import ServiceLifecycle

/// Closes a database once graceful shutdown reaches it, after the server and workers have stopped.
struct DatabaseCloser: Service {
    let database: SQLiteDatabaseFile

    func run() async throws {
        try? await gracefulShutdown()
        try await database.close()
    }
}
