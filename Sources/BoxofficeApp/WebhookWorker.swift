import AsyncHTTPClient
import BoxofficeDomain
import BoxofficeEngine
import BoxofficeWebhooks
import Foundation
import Logging
import ServiceLifecycle
import Synchronization

/// Sends webhooks from every booking instance: a few times a second it notices events that sold out and turns recorded
/// notices into deliveries, and — apart, so a slow endpoint holds up neither — keeps up to `concurrency` due deliveries
/// on their way (instances share the work through the database: a delivery is taken by one at a time).
struct WebhookWorker: Service {
    let dispatcher: WebhookDispatcher
    let store: any WebhookStore
    let engine: BookingEngine
    let client: HTTPClient
    let now: @Sendable () -> Date
    let logger: Logger
    /// How often it looks for work.
    var interval: Duration = .milliseconds(200)
    /// The most deliveries this instance sends at once.
    var concurrency = 32

    func run() async throws {
        do {
            try await cancelWhenGracefulShutdown {
                try await withThrowingDiscardingTaskGroup { group in
                    group.addTask { try await fanOutForever() }
                    group.addTask { try await deliverForever() }
                }
            }
        } catch is CancellationError {}
        try await client.shutdown()
    }

    private func fanOutForever() async throws {
        var told: Set<EventID> = []
        while true {
            try await Task.sleep(for: interval)
            guard engine.isReady else { continue }
            do {
                try await noticeSoldOut(told: &told)
                while try await dispatcher.fanOut(at: now()) > 0 {}
            } catch {
                logger.warning("webhook notices could not be fanned out: \(String(reflecting: error))")
            }
        }
    }

    private func deliverForever() async throws {
        let inFlight = InFlight()
        try await withThrowingDiscardingTaskGroup { group in
            while true {
                try await Task.sleep(for: interval)
                let free = concurrency - inFlight.count
                guard engine.isReady, free > 0 else { continue }
                do {
                    let at = now()
                    for (delivery, endpoint) in try await dispatcher.takeDue(at: at, limit: free) {
                        inFlight.add(1)
                        group.addTask {
                            await dispatcher.deliver(delivery, to: endpoint, at: at)
                            inFlight.add(-1)
                        }
                    }
                } catch {
                    logger.warning("webhook deliveries could not be taken: \(String(reflecting: error))")
                }
            }
        }
    }

    /// Records that events sold out: the store notices each once ever; this process asks once per event.
    private func noticeSoldOut(told: inout Set<EventID>) async throws {
        let soldOut = engine.snapshots().filter { snapshot in
            !told.contains(snapshot.event.id) && snapshot.event.details.status == .published
                && SoldOut.isSoldOut(seats: snapshot.seats, pools: Array(snapshot.pools.values))
        }.map(\.event.id)
        guard !soldOut.isEmpty else { return }
        try await store.recordSoldOut(soldOut, at: now())
        told.formUnion(soldOut)
    }
}

/// How many deliveries are on their way.
private final class InFlight: Sendable {
    private let value = Mutex(0)

    var count: Int { value.withLock { $0 } }

    func add(_ change: Int) {
        value.withLock { $0 += change }
    }
}
