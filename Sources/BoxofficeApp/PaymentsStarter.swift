import Logging
import ServiceLifecycle
import Synchronization

/// Migrates the payment database, retrying while it is unreachable; the payment service's routes and relay wait
/// until it is done.
final class PaymentsStarter: Service, Sendable {
    private let migrate: @Sendable () async throws -> Void
    private let database: String
    private let logger: Logger
    private let ready = Atomic<Bool>(false)

    init(migrate: @escaping @Sendable () async throws -> Void, database: String, logger: Logger) {
        self.migrate = migrate
        self.database = database
        self.logger = logger
    }

    /// Whether the payment database is migrated.
    var isReady: Bool { ready.load(ordering: .acquiring) }

    func run() async throws {
        do {
            try await cancelWhenGracefulShutdown {
                try await Retrying.untilReachable(self.database, logger: self.logger) { try await self.migrate() }
                self.ready.store(true, ordering: .releasing)
                self.logger.info("payment service ready on \(self.database)")
            }
            try await gracefulShutdown()
        } catch is CancellationError {
            return
        }
    }
}
