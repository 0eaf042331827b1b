import BoxofficeDomain
import Foundation

/// Where an event's queue is kept: one state row per event (settings and cursor) and one entry per visitor. Every
/// booking instance on the database serves the same queue; the cursor moves under the state row's lock, by one
/// process at a time.
public protocol QueueStore: Sendable {
    /// The queue of an event, if it has one.
    func queueState(of event: EventID) async throws -> QueueState?
    /// Creates or changes an event's queue settings (a new queue starts with its cursor at 0), and marks the event
    /// queued or not, so every instance's engine asks holds for a pass.
    func saveQueueSettings(_ settings: QueueSettings, of event: EventID, salesStart: Date, at: Date) async throws -> QueueState
    /// Adds visitors to a queue, in order, or returns the entries they have: before sales start without a position (the
    /// pre-queue), after it with the next position (ordering the pre-queue first if nobody has). A store may write them
    /// all in one transaction. Returns the entries, in the joins' order, and the queue as it stood after them.
    func joinQueue(of event: EventID, _ joins: [QueueJoin]) async throws -> QueueJoined
    /// A visitor's entry, with whether it has paid for a booking of the event.
    func queueEntry(of event: EventID, identity: String) async throws -> QueueEntry?
    /// When the cursor first passed a position (nil when no recorded move did).
    func admissionTime(of event: EventID, position: Int) async throws -> Date?
    /// Records when a visitor was first given a pass (kept from the first call); returns that moment.
    func recordPassIssued(of event: EventID, identity: String, at: Date) async throws -> Date
    /// Moves the cursor of every queue under way to `now` (ordering a pre-queue whose sales started), one process at
    /// a time per queue, recording each move; for a queue with ``QueueSettings/activeShoppers`` it first counts the
    /// visitors still shopping (admitted within the pass's time, nothing paid) and the last minute's admissions.
    /// Returns every queue under way as it stands (moved here, or by another process).
    func advanceQueues(to now: Date) async throws -> [EventID: QueueState]
}

/// A visitor joining a queue: who, when, and its draw, which places a pre-queue visitor in the random order (the
/// pre-queue is ordered by it).
public struct QueueJoin: Sendable {
    /// The visitor's identity.
    public var identity: String
    /// When it joined.
    public var at: Date
    /// Its draw.
    public var draw: Int64

    /// Creates a join.
    public init(identity: String, at: Date, draw: Int64) {
        self.identity = identity
        self.at = at
        self.draw = draw
    }
}

/// What a store answers to joins: each visitor's entry, in the joins' order, and the queue after them.
public struct QueueJoined: Sendable {
    /// The entries.
    public var entries: [QueueEntry]
    /// The queue as it stood once they joined.
    public var state: QueueState

    /// Creates an answer.
    public init(entries: [QueueEntry], state: QueueState) {
        self.entries = entries
        self.state = state
    }
}

extension QueueStore {
    /// Adds one visitor to a queue, or returns the entry it has.
    public func joinQueue(of event: EventID, identity: String, at: Date, draw: Int64) async throws -> QueueEntry {
        try await joinQueue(of: event, [QueueJoin(identity: identity, at: at, draw: draw)]).entries[0]
    }
}
