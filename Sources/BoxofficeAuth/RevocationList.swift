import BoxofficeDomain
import Foundation
import Synchronization

/// The access tokens revoked before their expiry, in memory, so that every request's token is checked against it
/// without a database read. Each process keeps its own, following the database (booking instances) or the
/// `tokens.revoked` messages (the payment service); an entry is forgotten once its tokens have expired anyway.
public final class RevocationList: Sendable {
    private struct Key: Hashable {
        let kind: TokenRevocation.Kind
        let subject: UUID
    }

    private let entries = Mutex<[Key: Date]>([:])
    /// How many entries there are, read without the lock: with none, a check costs one atomic load.
    private let count = Atomic<Int>(0)

    /// An empty list.
    public init() {}

    /// Adds revocations, and forgets those whose tokens have all expired by `now`.
    public func add(_ revocations: [TokenRevocation], now: Date) {
        entries.withLock { entries in
            for revocation in revocations where revocation.until > now {
                let key = Key(kind: revocation.kind, subject: revocation.subject)
                entries[key] = max(entries[key] ?? revocation.until, revocation.until)
            }
            entries = entries.filter { $0.value > now }
            count.store(entries.count, ordering: .releasing)
        }
    }

    /// Whether the principal's token is revoked: a guest's that signed up since, or one of a session that logged out.
    public func isRevoked(_ principal: Principal, now: Date) -> Bool {
        guard count.load(ordering: .acquiring) > 0 else { return false }
        return entries.withLock { entries in
            if principal.role == .guest, let until = entries[Key(kind: .guest, subject: principal.id)], until > now { return true }
            if let session = principal.session, let until = entries[Key(kind: .session, subject: session)], until > now { return true }
            return false
        }
    }
}
