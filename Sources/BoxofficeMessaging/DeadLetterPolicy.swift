import Logging
import Metrics

/// A failure that says nothing about the message: a database or broker was unreachable or too slow. Retrying
/// later can succeed, so it never counts toward dead-lettering.
public protocol TransientFailure: Error {}

/// When a message that keeps failing stops being retried and goes to its consumer's dead-letter store: at once when
/// it cannot be read as its type (retrying can never help), otherwise after ``maxAttempts`` failures that were not
/// transient. Every transport follows it, so a message is never dropped silently, never retried forever for a
/// fault of its own, and never given up because a database was down for a while.
public struct DeadLetterPolicy: Sendable {
    /// How often a consumer may fail a message in all, transient failures not counted, before it is dead-lettered.
    public var maxAttempts: Int
    /// Whether a failure is transient (see ``TransientFailure``); the adapters in use recognize their own.
    public var isTransient: @Sendable (any Error) -> Bool

    /// Creates a policy.
    /// - Parameter isTransient: recognizes transient failures; by default, those conforming to ``TransientFailure``.
    public init(maxAttempts: Int = 20, isTransient: @escaping @Sendable (any Error) -> Bool = { $0 is any TransientFailure }) {
        self.maxAttempts = maxAttempts
        self.isTransient = isTransient
    }

    /// Whether a failure counts toward ``maxAttempts``.
    public func counts(_ error: any Error) -> Bool {
        !isTransient(error)
    }

    /// Whether a message that failed with `error`, `attempts` counted times in all, goes to the dead-letter store now.
    public func shouldDeadLetter(after error: any Error, attempts: Int) -> Bool {
        Self.isUnreadable(error) || (counts(error) && attempts >= maxAttempts)
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
