import BoxofficeDomain
import Foundation

/// One event's queue as the database keeps it: its settings and the cursor that admits visitors.
///
/// Visitors who joined before sales start (the pre-queue) are put in random order once, when sales start; later
/// visitors get the next position, first in, first out. Admission moves one cursor — "positions up to `cursor` are
/// in" — so letting in a thousand visitors costs the same as letting in one.
public struct QueueState: Sendable, Equatable {
    /// The settings.
    public var settings: QueueSettings
    /// When sales start: the pre-queue is ordered then.
    public var salesStart: Date
    /// Positions up to this one are admitted.
    public var cursor: Int
    /// The position the next visitor to join after the pre-queue gets.
    public var nextPosition: Int
    /// Whether the pre-queue has been given its positions.
    public var ordered: Bool
    /// When the cursor last moved (or stood, paused).
    public var advancedAt: Date
    /// The fraction of a visitor the rate allowed but not yet admitted.
    public var carry: Double
    /// Admitted visitors still shopping (their pass running, nothing paid) when the cursor last moved; counted only
    /// for a queue with ``QueueSettings/activeShoppers``.
    public var shopping: Int?
    /// Visitors let in during the minute before the cursor last moved; counted only for a queue with
    /// ``QueueSettings/activeShoppers``, whose pace is not its rate.
    public var admittedLastMinute: Int?

    /// Creates a state.
    public init(settings: QueueSettings, salesStart: Date, cursor: Int = 0, nextPosition: Int = 1, ordered: Bool = false, advancedAt: Date, carry: Double = 0) {
        self.settings = settings
        self.salesStart = salesStart
        self.cursor = cursor
        self.nextPosition = nextPosition
        self.ordered = ordered
        self.advancedAt = advancedAt
        self.carry = carry
    }

    /// How many have joined and hold a position.
    public var positioned: Int { nextPosition - 1 }

    /// Moves the cursor for the time since it last moved, at the set rate, never past the last visitor, and with
    /// ``QueueSettings/activeShoppers`` never past what makes `shopping` that many; a paused queue and a queue with
    /// nobody left waiting or no room to shop bank nothing, so resuming does not let a crowd in at once.
    /// - Parameter shopping: the admitted visitors still shopping, counted by the store (active-shopper queues only).
    public mutating func advance(to now: Date, shopping: Int? = nil) {
        self.shopping = shopping
        defer { advancedAt = max(advancedAt, now) }
        guard ordered, now > advancedAt else { return }
        guard !settings.paused, cursor < positioned else {
            carry = 0
            return
        }
        let allowance = carry + Double(settings.admitPerMinute) * now.timeIntervalSince(advancedAt) / 60
        var room = positioned - cursor
        if let limit = settings.activeShoppers { room = min(room, max(0, limit - (shopping ?? 0))) }
        let admitted = min(Int(allowance), room)
        cursor += admitted
        self.shopping = shopping.map { $0 + admitted }
        carry = admitted == Int(allowance) && cursor < positioned ? allowance - Double(admitted) : 0
    }

    /// How many visitors a minute are let in, as a waiting visitor should expect it: the rate, or for an
    /// active-shopper queue that is full the last minute's admissions (at least one, at most the rate).
    public var pace: Int {
        guard let limit = settings.activeShoppers, let admittedLastMinute, (shopping ?? 0) >= limit else { return settings.admitPerMinute }
        return min(settings.admitPerMinute, max(1, admittedLastMinute))
    }
}

extension QueueState {
    /// Where the queue stands, as its visitors are told.
    public func progress(of event: EventID) -> QueueProgress {
        QueueProgress(
            eventID: event, enabled: settings.enabled, cursor: cursor, joined: positioned, ordered: ordered,
            admitPerMinute: settings.paused ? 0 : pace, at: advancedAt
        )
    }
}
