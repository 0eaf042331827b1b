import Foundation

/// A message a consumer gave up on, as its dead-letter store keeps it.
public struct DeadLetter: Sendable, Equatable {
    /// The message, as it was delivered.
    public let message: Message
    /// The consumer that gave up on it.
    public let consumer: String
    /// Why, as the last failure said it.
    public let error: String
    /// When.
    public let failedAt: Date

    /// Creates a dead letter.
    public init(message: Message, consumer: String, error: String, failedAt: Date) {
        self.message = message
        self.consumer = consumer
        self.error = error
        self.failedAt = failedAt
    }
}

/// What an operator needs of a service's message tables to see its dead letters and put them back
/// (`boxoffice dead-letters`).
public protocol MessageArchive: Sendable {
    /// The dead letters, oldest first.
    func deadLetters(limit: Int) async throws -> [DeadLetter]
    /// Forgets a dead letter (once it has been put back).
    func removeDeadLetter(_ id: UUID, consumer: String) async throws
    /// Puts a message back in this service's outbox to be published again: its row unsent and unclaimed if the
    /// outbox still has it, else a new row with the message's id. The consumer's inbox never recorded a message
    /// it gave up on, so it processes it as new.
    func requeue(_ message: Message) async throws
    /// Deletes inbox records, sent outbox rows and dead letters older than their retention.
    /// - Returns: how many rows went.
    func prune(_ retention: MessageRetention, now: Date) async throws -> Int
}

/// How long the message tables keep their rows.
///
/// The inbox must outlive every redelivery: a message is sent again only while its outbox row is unsent, and a
/// broker redelivers only what it holds unacknowledged, both a matter of minutes after an outage, so seven days is
/// far beyond. A sent outbox row is kept a day for the operator's eyes; a dead letter thirty days for replay. An
/// idempotency key (with its answer) is promised for at least a day and kept two.
public struct MessageRetention: Sendable {
    /// How long a processed message's id stays in the inbox, in seconds.
    public var inbox: TimeInterval = 7 * 86_400
    /// How long a sent message stays in the outbox, in seconds.
    public var sentOutbox: TimeInterval = 86_400
    /// How long a dead letter is kept, in seconds.
    public var deadLetters: TimeInterval = 30 * 86_400
    /// How long an idempotency key and its answer are kept, in seconds.
    public var idempotencyKeys: TimeInterval = 2 * 86_400

    /// The defaults.
    public init() {}
}
