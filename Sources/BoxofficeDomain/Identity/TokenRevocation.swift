import Foundation

/// Access tokens that stop working before their expiry: a guest's once it signed up, a session's once it logged out.
public struct TokenRevocation: Sendable, Hashable {
    /// What the subject names.
    public enum Kind: String, Sendable {
        /// Every guest token of the identity `subject` (the guest became a customer, with new tokens).
        case guest
        /// Every access token of the session `subject` (it logged out).
        case session
    }

    /// What the subject names.
    public let kind: Kind
    /// The identity or session whose tokens stop working.
    public let subject: UUID
    /// When every token it revokes has expired anyway: after that the entry can be forgotten.
    public let until: Date

    /// Creates a revocation.
    public init(kind: Kind, subject: UUID, until: Date) {
        self.kind = kind
        self.subject = subject
        self.until = until
    }
}
