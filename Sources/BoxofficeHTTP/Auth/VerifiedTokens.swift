import BoxofficeAuth
import Foundation
import Synchronization

/// Tokens verified lately, with their principal and expiry: a client sends its token with every request, and
/// verifying it (base64, HMAC, JSON) each time would cost the event loop's fast path a third of its speed. Keyed by
/// the whole token, so a changed token is verified anew; an entry is used only until the token's expiry.
final class VerifiedTokens: Sendable {
    private let entries = Mutex<[String: (principal: Principal, expiresAt: Date)]>([:])

    /// The most tokens remembered; past it the memory starts over.
    static let capacity = 16_384

    /// The principal of a token verified before and not expired at `now`.
    func principal(of token: String, now: Date) -> Principal? {
        entries.withLock { entries in
            guard let entry = entries[token] else { return nil }
            guard entry.expiresAt > now else {
                entries[token] = nil
                return nil
            }
            return entry.principal
        }
    }

    /// Remembers a verified token.
    func remember(_ token: String, as principal: Principal, until expiresAt: Date) {
        entries.withLock { entries in
            if entries.count >= Self.capacity { entries.removeAll(keepingCapacity: true) }
            entries[token] = (principal, expiresAt)
        }
    }
}
