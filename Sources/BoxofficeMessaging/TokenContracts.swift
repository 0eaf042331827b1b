import Foundation

/// The booking service revoked access tokens before their expiry (a guest signed up, a session logged out): the
/// payment service, which verifies the same tokens, stops taking them too.
public struct TokensRevoked: MessageBody, Equatable {
    public static let type = "tokens.revoked"
    /// `guest` (every guest token of an identity) or `session` (every access token of a session).
    public var kind: String
    /// The identity's or the session's id.
    public var subject: UUID
    /// When every token it revokes has expired anyway.
    public var until: Date

    /// Creates the message.
    public init(kind: String, subject: UUID, until: Date) {
        self.kind = kind
        self.subject = subject
        self.until = until
    }
}
