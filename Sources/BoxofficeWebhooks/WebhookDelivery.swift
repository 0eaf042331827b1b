import BoxofficeDomain
import Foundation

/// One notice on its way to one endpoint.
public struct WebhookDelivery: Hashable, Sendable {
    /// Where a delivery stands.
    public enum Status: String, Sendable, CaseIterable {
        /// To be sent (again) at `nextAttemptAt`.
        case pending
        /// The endpoint answered 2xx.
        case delivered
        /// It kept failing for the whole retry window; it waits to be re-sent by hand.
        case parked
    }

    /// The delivery's id (`Boxoffice-Delivery`).
    public var id: UUID
    /// Its place among all deliveries, for pages.
    public var seq: Int64
    /// The endpoint it goes to.
    public var endpointID: UUID
    /// The notice it tells of (`Boxoffice-Notice`, and the body's `id`): the receiver's key to drop a repeat.
    public var noticeID: UUID
    /// The notice's place in the order things happened: deliveries of one line go out in this order.
    public var noticeSeq: Int64
    /// The notice's topic.
    public var topic: Notice.Topic
    /// What orders it: one booking's deliveries to one endpoint go out one after another, in order.
    public var line: String
    /// The JSON sent, the same on every attempt.
    public var body: String
    /// Where it stands.
    public var status: Status
    /// How many attempts were made.
    public var attempts: Int
    /// When it was made.
    public var createdAt: Date
    /// When it is next sent, while pending.
    public var nextAttemptAt: Date
    /// When it is parked if still failing.
    public var retryUntil: Date
    /// When the endpoint took it.
    public var deliveredAt: Date?
    /// The claim of the sender that took it (see ``WebhookStore/claimDue(at:lease:limit:)``); nil when it is not taken.
    public var lease: UUID?

    /// Creates a delivery.
    public init(
        id: UUID, seq: Int64 = 0, endpointID: UUID, noticeID: UUID, noticeSeq: Int64, topic: Notice.Topic, line: String, body: String,
        status: Status = .pending, attempts: Int = 0, createdAt: Date, nextAttemptAt: Date, retryUntil: Date, deliveredAt: Date? = nil, lease: UUID? = nil
    ) {
        self.lease = lease
        self.id = id
        self.seq = seq
        self.endpointID = endpointID
        self.noticeID = noticeID
        self.noticeSeq = noticeSeq
        self.topic = topic
        self.line = line
        self.body = body
        self.status = status
        self.attempts = attempts
        self.createdAt = createdAt
        self.nextAttemptAt = nextAttemptAt
        self.retryUntil = retryUntil
        self.deliveredAt = deliveredAt
    }
}

/// One try at sending a delivery, and how the endpoint answered.
public struct WebhookAttempt: Hashable, Sendable {
    /// Its number among the delivery's attempts, from 1.
    public var number: Int
    /// When it was sent.
    public var at: Date
    /// The HTTP status answered; nil when none came (refused, timed out, forbidden address).
    public var statusCode: Int?
    /// What went wrong when no status came, or the start of the answer's body.
    public var detail: String
    /// How long it took.
    public var milliseconds: Int

    /// Creates an attempt.
    public init(number: Int, at: Date, statusCode: Int?, detail: String, milliseconds: Int) {
        self.number = number
        self.at = at
        self.statusCode = statusCode
        self.detail = detail
        self.milliseconds = milliseconds
    }

    /// Whether the endpoint took the delivery (2xx).
    public var succeeded: Bool { statusCode.map { (200 ..< 300).contains($0) } ?? false }
}

/// A notice recorded and not yet turned into deliveries.
public struct QueuedNotice: Hashable, Sendable {
    /// Its place in the order things happened.
    public var seq: Int64
    /// The notice.
    public var notice: Notice

    /// Creates one.
    public init(seq: Int64, notice: Notice) {
        self.seq = seq
        self.notice = notice
    }
}
