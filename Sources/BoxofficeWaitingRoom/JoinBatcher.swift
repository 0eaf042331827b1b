import BoxofficeDomain
import Foundation
import Synchronization

/// Gathers the joins that arrive while the previous ones are being written, so one transaction writes many: at a big
/// on-sale's opening a durable commit per visitor would be the queue's limit.
final class JoinBatcher: Sendable {
    private struct Pending {
        let event: EventID
        let join: QueueJoin
        let continuation: CheckedContinuation<(QueueEntry, QueueState), any Error>
    }

    private let store: any QueueStore
    private let waiting = Mutex<(pending: [Pending], draining: Bool)>(([], false))

    init(store: any QueueStore) {
        self.store = store
    }

    /// Joins a visitor with the next batch; answers once the batch is written, with the queue as it stood then.
    func join(_ join: QueueJoin, to event: EventID) async throws -> (QueueEntry, QueueState) {
        try await withCheckedThrowingContinuation { continuation in
            let starts = waiting.withLock { waiting in
                waiting.pending.append(Pending(event: event, join: join, continuation: continuation))
                defer { waiting.draining = true }
                return !waiting.draining
            }
            if starts { Task { await drain() } }
        }
    }

    /// Writes batch after batch until nothing waits, one store call per event of each batch.
    private func drain() async {
        while true {
            let batch = waiting.withLock { waiting in
                defer { waiting.pending = [] }
                if waiting.pending.isEmpty { waiting.draining = false }
                return waiting.pending
            }
            guard !batch.isEmpty else { return }
            for (event, joins) in Dictionary(grouping: batch, by: \.event) {
                do {
                    let joined = try await store.joinQueue(of: event, joins.map(\.join))
                    for (pending, entry) in zip(joins, joined.entries) { pending.continuation.resume(returning: (entry, joined.state)) }
                } catch {
                    for pending in joins { pending.continuation.resume(throwing: error) }
                }
            }
        }
    }
}
