import Logging
import Metrics

/// When a message that keeps failing stops being retried and goes to its consumer's dead-letter store: at once when
/// it cannot be read as its type (retrying can never help), otherwise after ``maxAttempts`` failures. Every
/// transport follows it, so a message is never dropped silently and never retried forever.
public struct DeadLetterPolicy: Sendable {
    /// How often a consumer may fail a message in all before it is dead-lettered.
    public var maxAttempts: Int

    /// Creates a policy.
    public init(maxAttempts: Int = 20) {
        self.maxAttempts = maxAttempts
    }

    /// Whether a message that failed with `error`, `attempts` times in all, goes to the dead-letter store now.
    public func shouldDeadLetter(after error: any Error, attempts: Int) -> Bool {
        Self.isUnreadable(error) || attempts >= maxAttempts
    }

    /// Whether retrying can never help: the message's body cannot be read as its type.
    public static func isUnreadable(_ error: any Error) -> Bool {
        error is DecodingError || error is MessageTypeMismatch
    }

    /// Keeps a message in its consumer's dead-letter store, counts it, and says so in the log.
    public static func deadLetter(_ message: Message, consumer: String, error: any Error, attempts: Int, in store: any DeadLetterStore, logger: Logger) async throws {
        let text = String(reflecting: error)
        try await store.recordDeadLetter(message, consumer: consumer, error: text)
        Counter(label: "boxoffice_messages_dead_lettered_total", dimensions: [("consumer", consumer), ("type", message.type)]).increment()
        logger.error("dead-lettered \(message.type) \(message.id) for \(consumer) after \(attempts) attempts: \(text)")
    }
}
