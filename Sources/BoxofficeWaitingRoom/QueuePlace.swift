import Foundation

/// Where a visitor is in an event's queue.
public struct QueuePlace: Sendable, Equatable {
    /// The visitor's state.
    public enum State: String, Sendable {
        /// Joined before sales start: waits for the random draw.
        case preQueue = "pre_queue"
        /// Has a position the cursor has not reached.
        case waiting
        /// The cursor passed the position: may shop with the pass.
        case admitted
        /// Was admitted, and the pass ran out.
        case expired
        /// Was admitted and paid for a booking: the pass has done its work.
        case done
    }

    /// The state.
    public var state: State
    /// The position, once the visitor has one.
    public var position: Int?
    /// How many are before the visitor (0 once admitted); nil in the pre-queue.
    public var ahead: Int?
    /// About how long until admission at the current pace; nil in the pre-queue and while admission is paused, 0 once
    /// admitted.
    public var etaSeconds: Int?
    /// When the pre-queue opens.
    public var opensAt: Date
    /// When sales start (and the pre-queue is drawn).
    public var salesStart: Date
    /// The admission pass, while admitted.
    public var pass: String?
    /// When the pass ends, while admitted.
    public var passExpiresAt: Date?

    /// Creates a place.
    public init(state: State, position: Int?, ahead: Int?, etaSeconds: Int?, opensAt: Date, salesStart: Date, pass: String? = nil, passExpiresAt: Date? = nil) {
        self.state = state
        self.position = position
        self.ahead = ahead
        self.etaSeconds = etaSeconds
        self.opensAt = opensAt
        self.salesStart = salesStart
        self.pass = pass
        self.passExpiresAt = passExpiresAt
    }
}

/// One visitor's entry in a queue, as stored.
public struct QueueEntry: Sendable, Equatable {
    /// The visitor's identity.
    public var identity: String
    /// The position; nil until the pre-queue is drawn.
    public var position: Int?
    /// When the visitor was first given a pass; its end follows from it.
    public var passIssuedAt: Date?
    /// Whether the visitor has paid for a booking of the event (which ends its pass).
    public var paid: Bool

    /// Creates an entry.
    public init(identity: String, position: Int?, passIssuedAt: Date? = nil, paid: Bool = false) {
        self.identity = identity
        self.position = position
        self.passIssuedAt = passIssuedAt
        self.paid = paid
    }
}
