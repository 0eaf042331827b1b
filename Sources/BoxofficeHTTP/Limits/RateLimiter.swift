import Foundation
import Synchronization

/// Token buckets by action and key (an identity, or an address), checked without waiting so the event loop's fast
/// path can use them too.
public final class RateLimiter: Sendable {
    /// The limits it enforces.
    public let limits: RateLimits
    private let buckets = Mutex<(all: [BucketKey: TokenBucket], admitsSinceTidy: Int)>(([:], 0))
    private let clock: @Sendable () -> TimeInterval

    /// Past this many buckets, the full ones (idle keys) are dropped, at most once every ``tidyEvery`` requests.
    static let tidyAbove = 100_000
    static let tidyEvery = 10_000

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
        let capacity = action == .guests ? rate * 3_600 : TokenBucket.capacity(rate: rate)
        let factor = action == .guests ? 1 : RateLimits.addressFactor
        let keys = [
            identity.map { (BucketKey(action: action, key: "id:" + $0), rate, capacity) },
            address.map { (BucketKey(action: action, key: "ip:" + $0), rate * factor, capacity * factor) },
        ].compactMap { $0 }
        return buckets.withLock { buckets in
            buckets.admitsSinceTidy += 1
            if buckets.all.count > Self.tidyAbove, buckets.admitsSinceTidy >= Self.tidyEvery {
                buckets.all = buckets.all.filter { !$0.value.isFull(at: now) }
                buckets.admitsSinceTidy = 0
            }
            var wait: TimeInterval = 0
            for (key, rate, capacity) in keys {
                var bucket = buckets.all[key] ?? TokenBucket(rate: rate, capacity: capacity, at: now)
                bucket.refill(at: now)
                buckets.all[key] = bucket
                wait = max(wait, bucket.wait)
            }
            guard wait == 0 else { return wait }
            for (key, _, _) in keys { buckets.all[key]?.take() }
            return nil
        }
    }

    /// Gives back what ``admit(_:identity:address:)`` took, for a request that will be admitted again elsewhere
    /// (the fast path handing it to the router).
    public func giveBack(_ action: RateLimits.Action, identity: String?, address: String?) {
        guard limits.perIdentity[action] != nil else { return }
        let keys = [identity.map { BucketKey(action: action, key: "id:" + $0) }, address.map { BucketKey(action: action, key: "ip:" + $0) }]
        buckets.withLock { buckets in
            for key in keys.compactMap({ $0 }) { buckets.all[key]?.giveBack() }
        }
    }
}

private struct BucketKey: Hashable {
    let action: RateLimits.Action
    let key: String
}

/// A bucket of `capacity` tokens, refilled at `rate` per second.
struct TokenBucket {
    let rate: Double
    let capacity: Double
    private(set) var tokens: Double
    private var updated: TimeInterval

    /// An identity's bucket holds two seconds' worth of its rate, at least one request; an address's ten times that.
    static func capacity(rate: Double) -> Double { max(1, 2 * rate) }

    init(rate: Double, capacity: Double, at now: TimeInterval) {
        self.rate = rate
        self.capacity = capacity
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

    mutating func giveBack() { tokens = min(capacity, tokens + 1) }

    func isFull(at now: TimeInterval) -> Bool { tokens + max(0, now - updated) * rate >= capacity }
}
