import Foundation

/// Carries messages between services: in process (embedded mode) or through a broker.
///
/// Delivery is at least once: a consumer may see a message again (after a crash, a lost confirm, a retry)
/// and must skip ids it has processed. A handler that returns has processed the message (acknowledged); one
/// that throws gets it again later, and after a bounded number of attempts the message goes to the
/// consumer's dead-letter store instead of being dropped.
public protocol MessageTransport: Sendable {
    /// Publishes a message; returns once the transport has taken responsibility for it.
    /// - Throws: when no consumer could take it; the publisher keeps it and tries again later.
    func publish(_ message: Message) async throws

    /// Publishes a batch (a relay's round): returns the ids of the messages the transport took responsibility for;
    /// the others are kept and tried again later.
    func publish(_ messages: [Message]) async -> [UUID]

    /// Delivers every message of `types` to `handler`, as the consumer named `consumer`, until cancelled.
    func consume(as consumer: String, types: Set<String>, deadLetters: any DeadLetterStore, handler: @escaping @Sendable (Message) async throws -> Void) async throws
}

extension MessageTransport {
    /// Publishes each message of the batch on its own, all at once.
    public func publish(_ messages: [Message]) async -> [UUID] {
        await withTaskGroup(of: UUID?.self) { group in
            for message in messages {
                group.addTask { (try? await publish(message)).map { message.id } }
            }
            return await group.reduce(into: [UUID]()) { if let id = $1 { $0.append(id) } }
        }
    }
}

/// Where a consumer keeps messages it could not process after every attempt.
public protocol DeadLetterStore: Sendable {
    /// Records a message that kept failing, with the last error.
    func recordDeadLetter(_ message: Message, consumer: String, error: String) async throws
}

/// The unsent end of a service's outbox.
///
/// Relays of several processes share one outbox: each claims the rows it publishes for a while (a lease), so a
/// row is normally published once; a relay that dies leaves its claims to expire, and another takes the rows.
public protocol OutboxStore: Sendable {
    /// Messages written but not yet confirmed by the transport, oldest first, whoever claimed them.
    func unsentMessages(limit: Int) async throws -> [Message]
    /// Claims unsent messages no other relay holds (none, or whose lease ran out) for `lease`, oldest first.
    func claimUnsent(limit: Int, lease: Duration) async throws -> [Message]
    /// Marks messages as confirmed by the transport.
    func markSent(_ ids: [UUID]) async throws
    /// Gives back claims on messages that could not be published, for the next round.
    func releaseClaims(_ ids: [UUID]) async throws
}
