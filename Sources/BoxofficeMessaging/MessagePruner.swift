import Foundation
import Logging
import ServiceLifecycle

/// Deletes a service's old inbox records, sent outbox rows and dead letters once an hour (see ``MessageRetention``).
public struct MessagePruner: Service {
    private let archive: any MessageArchive
    private let name: String
    private let retention: MessageRetention
    private let interval: Duration
    private let logger: Logger

    /// Creates the pruner of one service's message tables.
    public init(archive: any MessageArchive, name: String, retention: MessageRetention = MessageRetention(), interval: Duration = .seconds(3_600), logger: Logger) {
        self.archive = archive
        self.name = name
        self.retention = retention
        self.interval = interval
        self.logger = logger
    }

    /// Prunes a minute after start, then every `interval`, until graceful shutdown.
    public func run() async throws {
        do {
            try await cancelWhenGracefulShutdown {
                try await Task.sleep(for: .seconds(60))
                while true {
                    do {
                        let removed = try await archive.prune(retention, now: Date())
                        if removed > 0 { logger.info("pruned \(removed) old rows from the \(name) message tables") }
                    } catch {
                        logger.warning("could not prune the \(name) message tables: \(String(reflecting: error))")
                    }
                    try await Task.sleep(for: interval)
                }
            }
        } catch is CancellationError {
            return
        }
    }
}
