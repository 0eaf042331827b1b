import BoxofficeWaitingRoom
import Foundation
import Logging
import ServiceLifecycle

/// Moves every waiting room's cursor once a second, at its organizer's rate. Every booking instance runs one; the
/// store lets one process at a time move a queue, and the rate is worked out from the time since the cursor last
/// moved, so how many instances run changes nothing.
struct QueueAdvancer: Service {
    let store: any QueueStore
    let now: @Sendable () -> Date
    let logger: Logger
    /// How often the cursors move.
    static let interval: Duration = .seconds(1)

    func run() async throws {
        do {
            try await cancelWhenGracefulShutdown {
                while true {
                    do {
                        _ = try await store.advanceQueues(to: now())
                    } catch {
                        // The database is away (or not migrated yet): the next round makes up for the time lost.
                        logger.debug("could not move the waiting rooms' cursors: \(String(reflecting: error))")
                    }
                    try await Task.sleep(for: Self.interval)
                }
            }
        } catch is CancellationError {
            return
        }
    }
}
