import BoxofficeAuth
import BoxofficeDomain
import Foundation
import Logging
import ServiceLifecycle

/// Keeps a booking process's ``RevocationList`` in step with the database: all unexpired revocations at start, then
/// every second those recorded since the last look (with a margin for transactions that committed late), so a token
/// revoked on any instance stops working on this one within about a second, with no database read per request.
struct RevocationFollower: Service {
    let store: any IdentityStore
    let list: RevocationList
    let interval: Duration
    let now: @Sendable () -> Date
    let logger: Logger

    /// How far back each look reaches before the previous one: a revocation committed that late is still seen.
    static let margin: TimeInterval = 30

    init(store: any IdentityStore, list: RevocationList, interval: Duration = .seconds(1), now: @escaping @Sendable () -> Date, logger: Logger) {
        self.store = store
        self.list = list
        self.interval = interval
        self.now = now
        self.logger = logger
    }

    func run() async throws {
        do {
            try await cancelWhenGracefulShutdown {
                var since = Date.distantPast
                while true {
                    let at = now()
                    do {
                        list.add(try await store.tokenRevocations(since: since, now: at), now: at)
                        since = at.addingTimeInterval(-Self.margin)
                    } catch {
                        // The database is away (or not migrated yet): the next look reaches back to the last good one.
                        logger.debug("could not read token revocations: \(String(reflecting: error))")
                    }
                    try await Task.sleep(for: interval)
                }
            }
        } catch is CancellationError {
            return
        }
    }
}
