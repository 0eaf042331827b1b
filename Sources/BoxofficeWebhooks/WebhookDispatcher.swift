import BoxofficeDomain
import Foundation
import Logging

/// Turns recorded notices into deliveries and sends the deliveries that are due, the same over every backend.
///
/// Notices become deliveries in the order they were recorded, one per endpoint that wants them, with a body fixed then
/// (every attempt sends the same bytes, signed anew). A delivery goes out only once every earlier pending delivery of its
/// line (one endpoint, one booking) went out, so a receiver sees one booking's notices in order; a failed one waits
/// longer each time (``RetrySchedule``) and is parked, never dropped, once its window has passed.
public struct WebhookDispatcher: Sendable {
    let store: any WebhookStore
    let facts: any NoticeFacts
    let sender: any WebhookSender
    let addressGuard: WebhookAddressGuard
    let schedule: RetrySchedule
    let timeout: TimeInterval
    let logger: Logger

    /// Creates a dispatcher.
    /// - Parameter timeout: how long one attempt may take before it counts as failed.
    public init(
        store: any WebhookStore, facts: any NoticeFacts, sender: any WebhookSender, addressGuard: WebhookAddressGuard,
        schedule: RetrySchedule, timeout: TimeInterval, logger: Logger
    ) {
        self.store = store
        self.facts = facts
        self.sender = sender
        self.addressGuard = addressGuard
        self.schedule = schedule
        self.timeout = timeout
        self.logger = logger
    }

    /// Turns up to `limit` queued notices into deliveries, in order. A notice whose facts cannot be read yet (an error,
    /// such as an event this instance has not loaded) stays queued with every notice after it, for the next call.
    /// - Returns: how many notices were taken.
    public func fanOut(at now: Date, limit: Int = 200) async throws -> Int {
        let queued = try await store.queuedNotices(limit: limit)
        guard !queued.isEmpty else { return 0 }
        let endpoints = try await store.endpoints()
        var deliveries: [WebhookDelivery] = []
        var done: [UUID] = []
        for entry in queued {
            let notice = entry.notice
            let wanting = endpoints.filter { $0.wants(notice) }
            let body: WebhookBody?
            do {
                body = wanting.isEmpty ? nil : try await facts.body(of: notice)
            } catch {
                logger.warning("notice \(notice.id) (\(notice.topic.rawValue)) waits: its facts could not be read: \(String(reflecting: error))")
                break
            }
            done.append(notice.id)
            guard !wanting.isEmpty else { continue }
            guard let body else {
                logger.warning("notice \(notice.id) (\(notice.topic.rawValue)) is about something gone; it is not sent")
                continue
            }
            let text = try body.encoded()
            let line = notice.bookingID.map { "booking \($0)" } ?? "event \(notice.eventID.rawValue)"
            for endpoint in wanting {
                deliveries.append(WebhookDelivery(
                    id: UUID(), endpointID: endpoint.id, noticeID: notice.id, noticeSeq: entry.seq, topic: notice.topic, line: line, body: text,
                    createdAt: now, nextAttemptAt: now, retryUntil: now.addingTimeInterval(schedule.window)
                ))
            }
        }
        guard !done.isEmpty else { return 0 }
        try await store.fanOut(deliveries, done: done)
        return done.count
    }

    /// Sends up to `limit` due deliveries at once, and waits for their answers. - Returns: how many were tried.
    public func deliverDue(at now: Date, limit: Int = 32) async throws -> Int {
        let due = try await takeDue(at: now, limit: limit)
        await withTaskGroup(of: Void.self) { group in
            for (delivery, endpoint) in due {
                group.addTask { await self.deliver(delivery, to: endpoint, at: now) }
            }
        }
        return due.count
    }

    /// Takes up to `limit` due deliveries, each with its endpoint (nil when it was deleted), for ``deliver(_:to:at:)``;
    /// they are this sender's until the timeout and half a minute have passed.
    public func takeDue(at now: Date, limit: Int) async throws -> [(WebhookDelivery, WebhookEndpoint?)] {
        let due = try await store.claimDue(at: now, lease: timeout + 30, limit: limit)
        guard !due.isEmpty else { return [] }
        let endpoints = Dictionary(uniqueKeysWithValues: try await store.endpoints().map { ($0.id, $0) })
        return due.map { ($0, endpoints[$0.endpointID]) }
    }

    /// One attempt started at `now`, recorded with its answer; a retry is timed from its start.
    public func deliver(_ delivery: WebhookDelivery, to endpoint: WebhookEndpoint?, at now: Date) async {
        let started = ContinuousClock.now
        var status: Int?
        var detail: String
        if let endpoint {
            do {
                let url = try WebhookURL(endpoint.url, allowPrivate: addressGuard.allowPrivate)
                let address = try await addressGuard.check(url)
                let body = Data(delivery.body.utf8)
                let timestamp = Int(Date().timeIntervalSince1970)
                (status, detail) = await sender.post(body, to: url.url, via: address, headers: [
                    ("Content-Type", "application/json"),
                    ("User-Agent", "Boxoffice-Webhooks/1"),
                    (WebhookSignature.header, WebhookSignature.sign(body, secret: endpoint.secret, timestamp: timestamp)),
                    ("Boxoffice-Delivery", delivery.id.uuidString.lowercased()),
                    ("Boxoffice-Notice", delivery.noticeID.uuidString.lowercased()),
                    ("Boxoffice-Topic", delivery.topic.rawValue),
                ], timeout: timeout)
            } catch {
                detail = Self.explain(error)
            }
        } else {
            detail = "the endpoint was deleted"
        }
        let elapsed = ContinuousClock.now - started
        let attempt = WebhookAttempt(
            number: delivery.attempts + 1, at: now, statusCode: status, detail: String(detail.prefix(500)),
            milliseconds: Int(elapsed.components.seconds * 1000 + elapsed.components.attoseconds / 1_000_000_000_000_000)
        )
        let next = attempt.succeeded || endpoint == nil ? nil : schedule.next(after: attempt.number, at: now, until: delivery.retryUntil)
        do {
            try await store.record(attempt, of: delivery, delivered: attempt.succeeded, next: next)
        } catch {
            // Its lease runs out and it is sent again: at least once, never lost.
            logger.warning("could not record attempt \(attempt.number) of delivery \(delivery.id): \(String(reflecting: error))")
        }
    }

    /// What an attempt that never reached the endpoint says.
    static func explain(_ error: WebhookError) -> String {
        switch error {
        case .forbiddenAddress(let host, let address, let kind): "refused: \(host) is \(address), a \(kind) address"
        case .unresolvableHost(let host): "\(host) does not resolve"
        case .invalidURL(let reason): reason
        case .invalidTopics(let reason): reason
        case .noSuchEndpoint, .noSuchDelivery, .deliveryPending: "the endpoint was deleted"
        }
    }
}
