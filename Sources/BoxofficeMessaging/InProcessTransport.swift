import Foundation
import Logging
import Synchronization

/// The embedded mode's transport: delivers each message to its consumers in the same process.
///
/// `publish` returns only after every consumer has processed the message (or dead-lettered it), so a relay
/// that marks a message sent after `publish` can never lose it in a crash: unsent messages are published
/// again on restart, and consumers' inboxes absorb the repeats.
///
/// A consumer that fails is tried again a few times at once; if it still fails, `publish` throws and the
/// message stays in its outbox for the relay's next round. A message that cannot be read at all, or that has
/// failed `maxAttempts` times in all (transient failures not counted), goes to the consumer's dead-letter store
/// (and the log and metrics).
public final class InProcessTransport: MessageTransport {
    private struct Subscription {
        let consumer: String
        let types: Set<String>
        let deadLetters: any DeadLetterStore
        let handler: @Sendable (Message) async throws -> Void
    }

    private let subscriptions = Mutex<[Subscription]>([])
    private let failures = Mutex<[String: Int]>([:])
    private let policy: DeadLetterPolicy
    private let attemptsPerDelivery: Int
    private let retryDelay: Duration
    private let logger: Logger
    private let deadLettered = Atomic<Int>(0)

    /// Creates a transport.
    /// - Parameters:
    ///   - maxAttempts: how often in all a consumer may fail a message before it is dead-lettered.
    ///   - attemptsPerDelivery: how often a consumer is tried within one `publish`.
    ///   - retryDelay: the pause before the first retry within a `publish`; it doubles with every attempt.
    ///   - isTransient: recognizes failures that do not count toward `maxAttempts` (see ``DeadLetterPolicy``).
    public init(
        maxAttempts: Int = 20, attemptsPerDelivery: Int = 3, retryDelay: Duration = .milliseconds(50),
        isTransient: @escaping @Sendable (any Error) -> Bool = { $0 is any TransientFailure }, logger: Logger
    ) {
        self.policy = DeadLetterPolicy(maxAttempts: maxAttempts, isTransient: isTransient)
        self.attemptsPerDelivery = min(attemptsPerDelivery, maxAttempts)
        self.retryDelay = retryDelay
        self.logger = logger
    }

    /// How many messages went to a dead-letter store since start.
    public var deadLetterCount: Int { deadLettered.load(ordering: .relaxed) }

    public func publish(_ message: Message) async throws {
        let targets = subscriptions.withLock { $0.filter { $0.types.contains(message.type) } }
        guard !targets.isEmpty else { throw Unroutable(type: message.type) }
        for target in targets { try await deliver(message, to: target) }
    }

    public func consume(as consumer: String, types: Set<String>, deadLetters: any DeadLetterStore, handler: @escaping @Sendable (Message) async throws -> Void) async throws {
        let subscription = Subscription(consumer: consumer, types: types, deadLetters: deadLetters, handler: handler)
        subscriptions.withLock { $0.append(subscription) }
        defer { subscriptions.withLock { $0.removeAll { $0.consumer == consumer } } }
        try await Task.sleep(for: .seconds(Int64.max / 2))
    }

    private func deliver(_ message: Message, to target: Subscription) async throws {
        let key = "\(target.consumer)/\(message.id)"
        var delay = retryDelay
        for attempt in 1 ... attemptsPerDelivery {
            do {
                try await target.handler(message)
                MessageMetrics.handled(message, by: target.consumer)
                failures.withLock { _ = $0.removeValue(forKey: key) }
                return
            } catch {
                let counts = policy.counts(error)
                let total = failures.withLock { failures in
                    if counts { failures[key, default: 0] += 1 }
                    return failures[key] ?? 0
                }
                MessageMetrics.retried(by: target.consumer)
                if policy.shouldDeadLetter(after: error, attempts: total) {
                    try await DeadLetterPolicy.deadLetter(message, consumer: target.consumer, error: error, attempts: total, in: target.deadLetters, logger: logger)
                    deadLettered.add(1, ordering: .relaxed)
                    failures.withLock { _ = $0.removeValue(forKey: key) }
                    return
                }
                logger.warning("\(target.consumer) failed \(message.type) \(message.id) (attempt \(total)): \(String(reflecting: error))")
                guard attempt < attemptsPerDelivery else { throw error }
                try await Task.sleep(for: delay)
                delay *= 2
            }
        }
    }
}

/// No consumer takes messages of this type (yet): the publisher keeps the message and tries again.
public struct Unroutable: Error, CustomStringConvertible {
    /// The message type.
    public let type: String

    /// Creates the error for a message type.
    public init(type: String) {
        self.type = type
    }

    public var description: String { "no consumer takes \(type) messages yet" }
}
