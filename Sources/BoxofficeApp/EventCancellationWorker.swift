import BoxofficeBackOffice
import BoxofficeDomain
import BoxofficeEngine
import Foundation
import Logging
import ServiceLifecycle

/// Runs events' cancellations to the end, on every booking instance: once a second it takes each unfinished one, makes
/// sure the event is off sale, releases its holds and refunds its paid bookings (each in its own transaction, decided
/// again from the database, so instances working on one event, or a run cut off by a crash, skip nothing and repeat
/// nothing), and marks it finished once nothing is held, waiting for payment or paid. Bookings waiting for their
/// payment are left to it: a payment that succeeds is refunded on a later pass.
struct EventCancellationWorker: Service {
    let store: any BackOfficeStore
    let engine: BookingEngine
    let now: @Sendable () -> Date
    let logger: Logger
    /// How often unfinished cancellations are looked for.
    static let interval: Duration = .seconds(1)
    /// How many bookings one pass takes per event and kind.
    static let batch = 200

    func run() async throws {
        do {
            try await cancelWhenGracefulShutdown {
                while true {
                    do {
                        for event in try await store.unfinishedCancellations() {
                            // One event that cannot advance now holds up no other.
                            do {
                                try await advance(event)
                            } catch is CancellationError {
                                throw CancellationError()
                            } catch {
                                logger.warning("could not advance the cancellation of event \(event): \(String(reflecting: error))")
                            }
                        }
                    } catch is CancellationError {
                        throw CancellationError()
                    } catch {
                        logger.warning("could not read the events' cancellations: \(String(reflecting: error))")
                    }
                    try await Task.sleep(for: Self.interval)
                }
            }
        } catch is CancellationError {
            return
        }
    }

    /// One pass over one event's cancellation.
    func advance(_ id: EventID) async throws {
        guard let job = try await store.cancellation(of: id), let event = try? engine.engine(for: id).snapshot.event else { return }
        if event.details.status != .cancelled { _ = try await engine.setStatus(of: id, to: .cancelled) }
        for line in try await store.orders(OrderFilter(eventID: id, statuses: [.held]), after: nil, limit: Self.batch) {
            // A hold that moved on meanwhile (paid, expired) is taken up by a later pass as what it became.
            _ = try? await engine.release(line.booking.id)
        }
        let desk = RefundDesk(store: store)
        for line in try await store.orders(OrderFilter(eventID: id, statuses: [.confirmed]), after: nil, limit: Self.batch) {
            // The seats of a called-off event are sold to nobody: nothing to put back on sale, nothing for instances to re-read.
            let order = RefundOrder(bookingID: line.booking.id, ordinals: nil, releasesSeats: false, cause: .eventCancelled, requestedBy: job.requestedBy)
            do {
                guard !(try await desk.refund(order, event: event, now: now())).repeated else { continue }
                let booking = try await engine.booking(line.booking.id)
                await engine.follow(
                    BookingStatusChange(bookingID: booking.id, eventID: id, customer: booking.userIdentifier, status: booking.status), inventoryChanged: false
                )
            } catch is RefundError {
                continue
            }
        }
        if let progress = try await store.cancellation(of: id), progress.remaining == 0 {
            try await store.finishCancellation(of: id, at: now())
            logger.info("event \(id) cancelled: \(progress.refunded) bookings refunded")
        }
    }
}
