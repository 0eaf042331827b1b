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
}
