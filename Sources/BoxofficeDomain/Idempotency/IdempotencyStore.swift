import Foundation

/// The first answer to a request made with an `Idempotency-Key`, kept to be given again to a repeat.
public struct RecordedAnswer: Sendable, Equatable {
    /// The HTTP status.
    public var status: Int
    /// Its `Content-Type`, if it had a body.
    public var contentType: String?
    /// Its `Location`, if it named one.
    public var location: String?
    /// Its body.
    public var body: [UInt8]

    /// Creates an answer.
    public init(status: Int, contentType: String?, location: String?, body: [UInt8]) {
        self.status = status
        self.contentType = contentType
        self.location = location
        self.body = body
    }
}

/// What a store says when a request with an idempotency key arrives.
public enum IdempotencyClaim: Sendable, Equatable {
    /// The key is new (or its earlier request died without an answer): this request runs, and its answer is kept.
    case fresh
    /// The key's earlier request, the same as this one, died (or gave its claim up) after its write committed and before
    /// its answer was kept: this request takes the claim over and answers from what the write made (`effect`, a
    /// booking's id) instead of writing again.
    case effectCommitted(String)
    /// The key was used for this same request, which was answered: give that answer again.
    case replay(RecordedAnswer)
    /// The key's request is still running.
    case running
    /// The key was used for another request (another method, path or body).
    case differentRequest
}

/// Idempotency keys, scoped to their owner (an identity, or the address of an anonymous client), kept with the
/// first answer so a repeated request does nothing twice. Each service database keeps its own; the message pruner
/// deletes keys older than their retention.
///
/// A claim is a lease: the request holding it renews it while it runs, so a claim whose process died lapses within the
/// lease and a retry takes it over; each claim has its own id, so a request whose claim was taken over can neither
/// answer nor release the key for the request that took it.
public protocol IdempotencyStore: Sendable {
    /// Claims `key` for a request.
    /// - Parameters:
    ///   - fingerprint: what identifies the request (a hash of method, path and body); a repeat must match it.
    ///   - claim: this request's claim id.
    ///   - staleBefore: a claim last renewed before this and without an answer is taken over (its process died).
    func claimIdempotencyKey(_ key: String, owner: String, fingerprint: String, claim: UUID, at: Date, staleBefore: Date) async throws -> IdempotencyClaim
    /// Renews a claim that is still this request's and unanswered.
    func renewIdempotencyClaim(_ key: String, owner: String, claim: UUID, at: Date) async throws
    /// Keeps the answer of a claimed key's request, if the claim is still this request's.
    func recordIdempotentAnswer(_ answer: RecordedAnswer, key: String, owner: String, claim: UUID, at: Date) async throws
    /// Gives a claimed key up without an answer (the request failed in a way a retry may fix), so the key can be
    /// used again at once — by the same request only, when its write committed after all; nothing when the claim is
    /// no longer this request's.
    func releaseIdempotencyKey(_ key: String, owner: String, claim: UUID) async throws
}
