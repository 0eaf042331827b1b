import BoxofficeStorage
import Logging

/// Start-up work that waits for a database: retried with backoff while the database is unreachable.
enum Retrying {
    /// Runs `work` until it succeeds; a ``MigrationError`` (a schema newer than this binary) ends it at once.
    static func untilReachable(_ database: String, logger: Logger, _ work: () async throws -> Void) async throws {
        var delay = Duration.milliseconds(250)
        while true {
            do {
                try await work()
                return
            } catch let error as MigrationError {
                throw error
            } catch {
                logger.warning("cannot reach \(database) yet (\(String(reflecting: error))); retrying in \(delay)")
                try await Task.sleep(for: delay)
                delay = min(delay * 2, .seconds(2))
            }
        }
    }
}
