import BoxofficeDomain
import BoxofficeEngine
import Foundation
import Logging
import ServiceLifecycle

/// Migrates the database, rebuilds the engine's memory and adds the demo events, retrying while the
/// database is unreachable; the API answers 503 until it is done.
struct EngineStarter: Service {
    let engine: BookingEngine
    let migrate: @Sendable () async throws -> [Int]
    let demo: Bool
    let database: String
    let now: @Sendable () -> Date
    let logger: Logger

    func run() async throws {
        do {
            try await cancelWhenGracefulShutdown {
                try await Retrying.untilReachable(database, logger: logger) { try await start() }
            }
            try await gracefulShutdown()
        } catch is CancellationError {
            return
        }
    }

    private func start() async throws {
        let applied = try await migrate()
        if !applied.isEmpty { logger.info("applied booking migrations \(applied) to \(database)") }
        try await engine.start(demoEvents: demo ? [DemoCatalog.concert(now: now()), DemoCatalog.grandHall(now: now())] : [])
        logger.info("ready on \(database)")
    }
}

/// Forwards other instances' changes to the engine, so every instance's seat map follows within a second.
struct ChangeFeedService: Service {
    let feed: any InventoryChangeFeed
    let engine: BookingEngine

    func run() async throws {
        do {
            try await cancelWhenGracefulShutdown {
                try await feed.follow(onChange: { await engine.follow($0, $1) }, onResync: { await engine.refreshAll() })
            }
        } catch is CancellationError {
            return
        }
    }
}
