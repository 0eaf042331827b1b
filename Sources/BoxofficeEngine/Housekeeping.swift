import BoxofficeDomain
import Foundation
import Logging
import ServiceLifecycle

/// Keeps memory honest about what the database says, beyond what the engines' own batches tell them.
///
/// Every `interval` it looks for holds the database says ran out more than `grace` ago: one whose write was answered
/// `503` but committed after all is in no engine's memory, so the sweeper would never end it; its event is read
/// again, and the hold expires the usual way. Every `orphanInterval` it deletes seat claims left without their
/// booking (a hold that lost a seat to another instance and then failed to take back its others), which would
/// otherwise keep those seats unsellable until the next start; the other instances are told.
public struct Housekeeping: Service {
    private let engine: BookingEngine
    private let store: any BookingStore
    private let interval: Duration
    private let grace: TimeInterval
    private let orphanEvery: Int
    private let now: @Sendable () -> Date
    private let logger: Logger

    /// Creates the service.
    /// - Parameters:
    ///   - interval: how often it looks for overdue holds.
    ///   - grace: how long past its expiry a hold may be before the database's view overrides memory's.
    ///   - orphanEvery: every how many looks it also removes orphan claims.
    public init(
        engine: BookingEngine, store: any BookingStore, interval: Duration = .seconds(5), grace: TimeInterval = 5, orphanEvery: Int = 12,
        now: @escaping @Sendable () -> Date = Date.init, logger: Logger
    ) {
        self.engine = engine
        self.store = store
        self.interval = interval
        self.grace = grace
        self.orphanEvery = orphanEvery
        self.now = now
        self.logger = logger
    }

    /// Looks every `interval` until graceful shutdown.
    public func run() async throws {
        do {
            try await cancelWhenGracefulShutdown {
                var round = 0
                while true {
                    try await Task.sleep(for: interval)
                    round += 1
                    await followOverdueHolds()
                    if round % orphanEvery == 0 { await removeOrphanClaims() }
                }
            }
        } catch is CancellationError {
            return
        }
    }

    /// Reads again every event with a hold the database says is overdue.
    /// - Returns: those events.
    @discardableResult
    public func followOverdueHolds() async -> Set<EventID> {
        guard engine.isReady else { return [] }
        do {
            let events = try await store.eventsWithOverdueHolds(before: now().addingTimeInterval(-grace))
            for event in events { await engine.follow(event, .any) }
            return events
        } catch {
            logger.warning("could not look for overdue holds: \(String(reflecting: error))")
            return []
        }
    }

    /// Deletes orphan claims and reads their events again.
    /// - Returns: the events whose claims went.
    @discardableResult
    public func removeOrphanClaims() async -> Set<EventID> {
        guard engine.isReady else { return [] }
        do {
            let events = try await store.removeOrphanClaims()
            if !events.isEmpty { logger.notice("removed seat claims without a booking from \(events.count) events") }
            for event in events { await engine.follow(event, .any) }
            return events
        } catch {
            logger.warning("could not remove orphan seat claims: \(String(reflecting: error))")
            return []
        }
    }
}
