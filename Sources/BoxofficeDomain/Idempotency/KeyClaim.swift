import Foundation

/// A request's claim on its `Idempotency-Key`: whose key, which key, and the claim's own id.
///
/// A write made with a key records it in the same transaction as its effect, and only while the claim is still the
/// request's: a retry after a crash then finds the effect instead of making a second one, and a request whose claim
/// was given up or taken over makes none.
public struct KeyClaim: Sendable, Hashable {
    /// Whose key it is (the identity that sent it).
    public var owner: String
    /// The key.
    public var key: String
    /// The claim's id (see ``IdempotencyStore``).
    public var claim: UUID

    /// Creates a claim.
    public init(owner: String, key: String, claim: UUID) {
        self.owner = owner
        self.key = key
        self.claim = claim
    }
}
