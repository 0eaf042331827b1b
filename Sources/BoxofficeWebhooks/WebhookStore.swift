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
    /// Records notices outside a business transaction; one whose id is already queued is skipped.
    func recordNotices(_ notices: [Notice]) async throws
    /// Records that events sold out, each once ever: an event recorded before gets no second notice (after a restart,
    /// or from another instance).
    func recordSoldOut(_ events: [EventID], at: Date) async throws
    /// The oldest notices not yet turned into deliveries, in the order they were recorded.
    func queuedNotices(limit: Int) async throws -> [QueuedNotice]
    /// Keeps `deliveries` (one already made for its endpoint and notice is skipped) and forgets the notices `done`, in
    /// one transaction.
    func fanOut(_ deliveries: [WebhookDelivery], done: [UUID]) async throws
    /// Takes up to `limit` deliveries due at `now`, each the first pending one of its line (endpoint and booking), none
    /// taken by another sender in the last `lease` seconds; they stay taken for `lease` seconds, under a new claim id
    /// (their ``WebhookDelivery/lease``).
    func claimDue(at now: Date, lease: TimeInterval, limit: Int) async throws -> [WebhookDelivery]
    /// Records an attempt — numbered after the ones recorded before — and where the delivery stands after it:
    /// `delivered`, or `pending` until `next`, or `parked` when `next` is nil. Nothing is recorded when the delivery's
    /// claim is no longer the one it was taken with (its lease ran out and another sender took it).
    func record(_ attempt: WebhookAttempt, of delivery: WebhookDelivery, delivered: Bool, next: Date?) async throws
    /// An endpoint's deliveries, newest first, before the one with `seq` (when given), optionally of one status.
    func deliveries(of endpoint: UUID, status: WebhookDelivery.Status?, before seq: Int64?, limit: Int) async throws -> [WebhookDelivery]
    /// The attempts of deliveries, oldest first.
    func attempts(of deliveries: [UUID]) async throws -> [UUID: [WebhookAttempt]]
    /// One delivery of an endpoint.
    func delivery(_ id: UUID, of endpoint: UUID) async throws -> WebhookDelivery?
    /// Sends a delivered or parked delivery again: pending, due `now`, tried until `until`. - Returns: it, or nil when the
    /// endpoint has no such delivery, or it is pending (on its way already).
    func resend(_ delivery: UUID, of endpoint: UUID, at now: Date, until: Date) async throws -> WebhookDelivery?
}
