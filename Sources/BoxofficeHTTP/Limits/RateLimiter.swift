import Foundation
import Synchronization

/// Token buckets by action and key (an identity, or an address), checked without waiting so the event loop's fast
/// path can use them too.
public final class RateLimiter: Sendable {
    /// The limits it enforces.
    public let limits: RateLimits
    private let buckets = Mutex<[BucketKey: TokenBucket]>([:])
    private let clock: @Sendable () -> TimeInterval

    /// Past this many buckets, the full ones (idle keys) are dropped.
    static let tidyAbove = 100_000

    /// Creates a limiter.
    /// - Parameter clock: seconds on a monotonic clock; replaceable in tests.
    public init(_ limits: RateLimits, clock: @escaping @Sendable () -> TimeInterval = { Double(DispatchTime.now().uptimeNanoseconds) / 1e9 }) {
        self.limits = limits
        self.clock = clock
    }

    /// Whether nothing is limited.
    public var isOff: Bool { limits.perIdentity.isEmpty }

    /// Takes one request of `action` from the identity's bucket and the address's.
    /// - Returns: nil when it may go on; else the seconds until it may (nothing was taken).
    public func admit(_ action: RateLimits.Action, identity: String?, address: String?) -> TimeInterval? {
        guard let rate = limits.perIdentity[action] else { return nil }
        let now = clock()
        let keys = [
            identity.map { (BucketKey(action: action, key: "id:" + $0), rate) },
            address.map { (BucketKey(action: action, key: "ip:" + $0), rate * RateLimits.addressFactor) },
        ].compactMap { $0 }
        return buckets.withLock { buckets in
            if buckets.count > Self.tidyAbove { buckets = buckets.filter { !$0.value.isFull(at: now) } }
            var wait: TimeInterval = 0
            for (key, rate) in keys {
                var bucket = buckets[key] ?? TokenBucket(rate: rate, at: now)
                bucket.refill(at: now)
                buckets[key] = bucket
                wait = max(wait, bucket.wait)
            }
            guard wait == 0 else { return wait }
            for (key, _) in keys { buckets[key]?.take() }
            return nil
        }
    }
}

private struct BucketKey: Hashable {
    let action: RateLimits.Action
    let key: String
}

/// A bucket of `2 × rate` tokens (at least one), refilled at `rate` per second.
struct TokenBucket {
    let rate: Double
    let capacity: Double
    private(set) var tokens: Double
    private var updated: TimeInterval

    init(rate: Double, at now: TimeInterval) {
        self.rate = rate
        self.capacity = max(1, 2 * rate)
        self.tokens = capacity
        self.updated = now
    }

    mutating func refill(at now: TimeInterval) {
        tokens = min(capacity, tokens + max(0, now - updated) * rate)
        updated = now
    }

    /// Seconds until a token is there; 0 when one is.
    var wait: TimeInterval { tokens >= 1 ? 0 : (1 - tokens) / rate }

    mutating func take() { tokens -= 1 }

    func isFull(at now: TimeInterval) -> Bool { tokens + max(0, now - updated) * rate >= capacity }
}
