import Foundation

/// When a failed delivery is tried again: after `base`, then twice as long each time up to `cap`, for as long as
/// `window` after it was first due; past that it is parked (kept, listed, and sent again only when asked).
public struct RetrySchedule: Hashable, Sendable {
    /// The wait after the first failure.
    public var base: TimeInterval
    /// The longest wait between two attempts.
    public var cap: TimeInterval
    /// How long a delivery is tried.
    public var window: TimeInterval

    /// The schedule deliveries follow unless told otherwise: 10 s, 20 s, 40 s… at most an hour apart, for a day.
    public static let standard = RetrySchedule(base: 10, cap: 3600, window: 86_400)

    /// Creates a schedule.
    public init(base: TimeInterval, cap: TimeInterval, window: TimeInterval) {
        self.base = base
        self.cap = cap
        self.window = window
    }

    /// When to try again after the `attempts`-th failed attempt at `now`; nil when that would be past `until` (park it).
    public func next(after attempts: Int, at now: Date, until: Date) -> Date? {
        let wait = min(cap, base * pow(2, Double(max(0, attempts - 1))))
        let next = now.addingTimeInterval(wait)
        return next <= until ? next : nil
    }
}
