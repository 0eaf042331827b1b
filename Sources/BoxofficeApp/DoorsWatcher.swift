import BoxofficeDomain
import BoxofficeEngine
import BoxofficeHTTP
import BoxofficeTickets
import Foundation
import Logging
import ServiceLifecycle

/// Tells the organizers watching an event's doors (the `checkins` topic on `/api/ws`) how they stand: once a second it
/// reads the counts of the events watched on this instance from the booking database — every instance's check-ins —
/// and publishes those that changed.
struct DoorsWatcher: Service {
    let store: any TicketStore
    let engine: BookingEngine
    let live: LiveHub
    let now: @Sendable () -> Date
    let logger: Logger
    /// How often the counts are read.
    static let interval: Duration = .seconds(1)

    func run() async throws {
        do {
            try await cancelWhenGracefulShutdown {
                var published: [EventID: CheckinProgress] = [:]
                while true {
                    // What was published stays remembered (the hub keeps the frame for the next subscriber), so an
                    // event watched again gets a new frame only when its counts moved.
                    for id in live.watchedDoors() {
                        guard let event = try? engine.engine(for: id).snapshot.event else { continue }
                        do {
                            let progress = try await store.checkinCounts(of: event, at: now())
                            if let last = published[id], last.expected == progress.expected, last.gates == progress.gates { continue }
                            published[id] = progress
                            live.publish(.checkins(progress))
                        } catch {
                            logger.debug("could not count the check-ins of event \(id): \(String(reflecting: error))")
                        }
                    }
                    try await Task.sleep(for: Self.interval)
                }
            }
        } catch is CancellationError {
            return
        }
    }
}
