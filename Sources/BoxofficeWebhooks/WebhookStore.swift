import BoxofficeDomain
import Foundation

/// Where endpoints, notices and deliveries are kept; SQLite and PostgreSQL each implement it.
public protocol WebhookStore: Sendable {
    /// Keeps a new endpoint.
    func addEndpoint(_ endpoint: WebhookEndpoint) async throws
    /// The endpoints not deleted, oldest first.
    func endpoints() async throws -> [WebhookEndpoint]
    /// One endpoint not deleted.
    func endpoint(_ id: UUID) async throws -> WebhookEndpoint?
    /// Deletes an endpoint: nothing more is sent to it. - Returns: whether it existed.
    func deleteEndpoint(_ id: UUID, at: Date) async throws -> Bool
    /// Records notices outside a business transaction (an event found sold out); one whose id is already queued is skipped.
    func recordNotices(_ notices: [Notice]) async throws
    /// The oldest notices not yet turned into deliveries, in the order they were recorded.
    func queuedNotices(limit: Int) async throws -> [QueuedNotice]
    /// Keeps `deliveries` (one already made for its endpoint and notice is skipped) and forgets the notices `done`, in
    /// one transaction.
    func fanOut(_ deliveries: [WebhookDelivery], done: [UUID]) async throws
    /// Takes up to `limit` deliveries due at `now`, each the first pending one of its line (endpoint and booking), none
    /// taken by another sender in the last `lease` seconds; they stay taken for `lease` seconds.
    func claimDue(at now: Date, lease: TimeInterval, limit: Int) async throws -> [WebhookDelivery]
    /// Records an attempt and where the delivery stands after it: `delivered`, or `pending` until `next`, or `parked`
    /// when `next` is nil.
    func record(_ attempt: WebhookAttempt, of delivery: UUID, delivered: Bool, next: Date?) async throws
    /// An endpoint's deliveries, newest first, before the one with `seq` (when given), optionally of one status.
    func deliveries(of endpoint: UUID, status: WebhookDelivery.Status?, before seq: Int64?, limit: Int) async throws -> [WebhookDelivery]
    /// The attempts of deliveries, oldest first.
    func attempts(of deliveries: [UUID]) async throws -> [UUID: [WebhookAttempt]]
    /// Sends a delivery again: pending, due `now`, tried until `until`. - Returns: it, or nil when the endpoint has no
    /// such delivery.
    func resend(_ delivery: UUID, of endpoint: UUID, at now: Date, until: Date) async throws -> WebhookDelivery?
}
