import AsyncHTTPClient
import BoxofficeDomain
import BoxofficeEngine
import BoxofficeWebhooks
import Foundation
import Logging
import ServiceLifecycle

/// Sends webhooks from every booking instance: a few times a second it notices events that sold out, turns recorded
/// notices into deliveries and sends the deliveries that are due (instances share the work through the database: a
/// delivery is taken by one at a time).
struct WebhookWorker: Service {
    let dispatcher: WebhookDispatcher
    let store: any WebhookStore
    let engine: BookingEngine
    let client: HTTPClient
    let now: @Sendable () -> Date
    let logger: Logger
    /// How often it looks for work.
    var interval: Duration = .milliseconds(200)

    func run() async throws {
        do {
            try await cancelWhenGracefulShutdown {
                var told: Set<EventID> = []
                while true {
                    try await Task.sleep(for: interval)
                    guard engine.isReady else { continue }
                    do {
                        try await noticeSoldOut(told: &told)
                        while try await dispatcher.fanOut(at: now()) > 0 {}
                        while try await dispatcher.deliverDue(at: now()) > 0 {}
                    } catch {
                        logger.warning("webhooks could not advance: \(String(reflecting: error))")
                    }
                }
            }
        } catch is CancellationError {}
        try await client.shutdown()
    }

    /// Records that events sold out, once per event per process (the notice's id is the same everywhere, so it is sent once).
    private func noticeSoldOut(told: inout Set<EventID>) async throws {
        let soldOut = engine.snapshots().filter { snapshot in
            !told.contains(snapshot.event.id) && snapshot.event.details.status == .published
                && SoldOut.isSoldOut(seats: snapshot.seats, pools: Array(snapshot.pools.values))
        }.map(\.event.id)
        guard !soldOut.isEmpty else { return }
        let at = now()
        try await store.recordNotices(soldOut.map { SoldOut.notice(of: $0, at: at) })
        told.formUnion(soldOut)
    }
}
