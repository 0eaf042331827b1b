import Synchronization

/// Gathers the items that arrive while the previous ones are being written, so one transaction writes many: at a big
/// on-sale's opening (or a full house at the doors) a durable commit per request would be the limit.
///
/// Items are written in arrival order, one `write` call per key (an event) of each batch; each caller gets its own
/// item's answer, or the batch's error.
public final class WriteBatcher<Key: Hashable & Sendable, Item: Sendable, Answer: Sendable>: Sendable {
    /// Writes one key's items in one go and answers each, in order.
    public typealias Write = @Sendable (Key, [Item]) async throws -> [Answer]

    private struct Pending: Sendable {
        let key: Key
        let item: Item
        let continuation: CheckedContinuation<Answer, any Error>
    }

    private let write: Write
    private let waiting = Mutex<(pending: [Pending], draining: Bool)>(([], false))

    /// Creates a batcher that writes with `write`.
    public init(write: @escaping Write) {
        self.write = write
    }

    /// Writes an item with the next batch; answers once the batch is written.
    public func submit(_ item: Item, to key: Key) async throws -> Answer {
        try await withCheckedThrowingContinuation { continuation in
            let starts = waiting.withLock { waiting in
                waiting.pending.append(Pending(key: key, item: item, continuation: continuation))
                defer { waiting.draining = true }
                return !waiting.draining
            }
            if starts { Task { await drain() } }
        }
    }

    /// Writes batch after batch until nothing waits.
    private func drain() async {
        while true {
            let batch = waiting.withLock { waiting in
                defer { waiting.pending = [] }
                if waiting.pending.isEmpty { waiting.draining = false }
                return waiting.pending
            }
            guard !batch.isEmpty else { return }
            var keys: [Key] = []
            var groups: [Key: [Pending]] = [:]
            for pending in batch {
                if groups[pending.key] == nil { keys.append(pending.key) }
                groups[pending.key, default: []].append(pending)
            }
            for key in keys {
                let group = groups[key] ?? []
                do {
                    let answers = try await write(key, group.map(\.item))
                    guard answers.count == group.count else { throw BatchAnswerMismatch(items: group.count, answers: answers.count) }
                    for (pending, answer) in zip(group, answers) { pending.continuation.resume(returning: answer) }
                } catch {
                    for pending in group { pending.continuation.resume(throwing: error) }
                }
            }
        }
    }
}

/// A batch's write answered a different number of items than it was given: a bug in the writer.
public struct BatchAnswerMismatch: Error, CustomStringConvertible {
    /// Items written.
    public let items: Int
    /// Answers given.
    public let answers: Int

    public var description: String { "a batch of \(items) items got \(answers) answers" }
}
