import BoxofficeDomain
import BoxofficeWaitingRoom
import Foundation
import Logging
import Metrics
import ServiceLifecycle

/// Moves every waiting room's cursor once a second, at its organizer's rate, and tells the visitors watching it where
/// it stands. Every booking instance runs one; the store lets one process at a time move a queue, and the rate is
/// worked out from the time since the cursor last moved, so how many instances run changes nothing. Each instance
/// reports the queue to its own visitors, whichever instance moved it.
struct QueueAdvancer: Service {
    let store: any QueueStore
    let live: any LiveUpdatePublisher
    let now: @Sendable () -> Date
    let logger: Logger
    /// How often the cursors move.
    static let interval: Duration = .seconds(1)

    func run() async throws {
        do {
            try await cancelWhenGracefulShutdown {
                var running: Set<EventID> = []
                while true {
                    do {
                        let states = try await store.advanceQueues(to: now())
                        for (event, state) in states {
                            live.publish(.queue(state.progress(of: event)))
                            Self.record(state, of: event.rawValue)
                        }
                        // A queue switched off is told once, so its visitors stop waiting for a cursor that stands still.
                        for event in running.subtracting(states.keys) {
                            live.publish(.queue(QueueProgress(eventID: event, enabled: false, cursor: 0, joined: 0, ordered: true, admitPerMinute: 0, at: now())))
                        }
                        running = Set(states.keys)
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

    /// The queue's numbers as gauges: who joined, who is in, who still waits, who shops.
    private static func record(_ state: QueueState, of event: Int64) {
        let dimensions = [("event", String(event))]
        Gauge(label: "boxoffice_queue_joined", dimensions: dimensions).record(state.positioned)
        Gauge(label: "boxoffice_queue_admitted", dimensions: dimensions).record(state.cursor)
        Gauge(label: "boxoffice_queue_waiting", dimensions: dimensions).record(state.positioned - state.cursor)
        Gauge(label: "boxoffice_queue_admit_per_minute", dimensions: dimensions).record(state.settings.paused ? 0 : state.pace)
        if let shopping = state.shopping { Gauge(label: "boxoffice_queue_shopping", dimensions: dimensions).record(shopping) }
    }
}
