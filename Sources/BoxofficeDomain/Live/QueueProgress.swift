import Foundation

/// Where an event's waiting room stands: enough for every waiting visitor to work out how many are ahead of it
/// (`position - cursor - 1`) and when its turn comes, from one message sent to all of them.
public struct QueueProgress: Sendable, Hashable {
    /// The event.
    public var eventID: EventID
    /// Whether the waiting room runs; false once, when it was switched off (holds need no pass any more).
    public var enabled: Bool
    /// Positions up to this one are admitted.
    public var cursor: Int
    /// How many hold a position.
    public var joined: Int
    /// Whether the pre-queue has been drawn (before that nobody has a position).
    public var ordered: Bool
    /// How many visitors are let in per minute (0 while paused).
    public var admitPerMinute: Int
    /// When the cursor stood here.
    public var at: Date

    /// Creates a progress report.
    public init(eventID: EventID, enabled: Bool, cursor: Int, joined: Int, ordered: Bool, admitPerMinute: Int, at: Date) {
        self.eventID = eventID
        self.enabled = enabled
        self.cursor = cursor
        self.joined = joined
        self.ordered = ordered
        self.admitPerMinute = admitPerMinute
        self.at = at
    }
}
