import Foundation
import Logging
import Metrics
import ServiceLifecycle

/// Publishes a service's outbox: woken right after each commit that wrote messages, polling as a fallback;
/// claims the rows it publishes (so relays of several instances do not all publish each row), marks a message
/// sent only after the transport confirmed it, and gives back the claims of those it could not publish.
public struct OutboxRelay: Service {
    private let outbox: any OutboxStore
    private let transport: any MessageTransport
    private let wakeup: Wakeup
    private let pollInterval: Duration
    private let logger: Logger
    private let name: String
    private let lease: Duration
    private let isReady: @Sendable () -> Bool

    /// Creates a relay for one outbox.
    /// - Parameters:
    ///   - wakeup: rung by the store after a commit that wrote messages.
    ///   - pollInterval: the longest pause between looks at the outbox.
    ///   - lease: how long the rows it claimed stay its own; a relay that crashed holds them that long.
    ///   - isReady: false while the service is still starting (its database may not be migrated yet).
    public init(
        name: String, outbox: any OutboxStore, transport: any MessageTransport, wakeup: Wakeup,
        pollInterval: Duration = .milliseconds(500), lease: Duration = .seconds(10), isReady: @escaping @Sendable () -> Bool = { true }, logger: Logger
    ) {
        self.name = name
        self.lease = lease
        self.isReady = isReady
        self.outbox = outbox
        self.transport = transport
        self.wakeup = wakeup
        self.pollInterval = pollInterval
        self.logger = logger
    }

    public func run() async throws {
        await cancelWhenGracefulShutdown {
            while !Task.isCancelled {
                let sent = isReady() ? await relayOnce() : 0
                if sent == 0 { await wakeup.wait(atMost: pollInterval) }
            }
        }
    }

    /// Publishes what is unsent now; returns how many messages were confirmed.
    @discardableResult
    public func relayOnce(limit: Int = 256) async -> Int {
        let messages: [Message]
        do {
            messages = try await outbox.claimUnsent(limit: limit, lease: lease)
        } catch {
            if !Task.isCancelled { logger.warning("\(name) outbox unreadable: \(String(reflecting: error))") }
            return 0
        }
        // The oldest message still waiting (0 when none): how far this outbox lags behind its writes.
        let lag = messages.map(\.occurredAt).min().map { max(0, Date().timeIntervalSince($0)) } ?? 0
        Gauge(label: "boxoffice_outbox_oldest_unsent_seconds", dimensions: [("outbox", name)]).record(lag)
        guard !messages.isEmpty else { return 0 }
        // The whole round at once, with one wait for the transport's confirms of it.
        let confirmed = await transport.publish(messages)
        if confirmed.count < messages.count { logger.debug("\(name) could not publish \(messages.count - confirmed.count) of \(messages.count) messages; they go again") }
        Counter(label: "boxoffice_outbox_published_total", dimensions: [("outbox", name)]).increment(by: confirmed.count)
        let sent = Set(confirmed)
        let failed = messages.map(\.id).filter { !sent.contains($0) }
        do {
            if !confirmed.isEmpty { try await outbox.markSent(confirmed) }
            if !failed.isEmpty { try await outbox.releaseClaims(failed) }
        } catch {
            logger.warning("\(name) could not mark \(confirmed.count) messages sent (they will be sent again): \(String(reflecting: error))")
            return 0
        }
        return confirmed.count
    }
}
