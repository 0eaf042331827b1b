import BoxofficeDomain
import Foundation

/// Gathers the joins that arrive while the previous ones are being written, so one transaction writes many: at a big
/// on-sale's opening a durable commit per visitor would be the queue's limit.
struct JoinBatcher: Sendable {
    private let batcher: WriteBatcher<EventID, QueueJoin, (QueueEntry, QueueState)>

    init(store: any QueueStore) {
        batcher = WriteBatcher { event, joins in
            let joined = try await store.joinQueue(of: event, joins)
            return joined.entries.map { ($0, joined.state) }
        }
    }

    /// Joins a visitor with the next batch; answers once the batch is written, with the queue as it stood then.
    func join(_ join: QueueJoin, to event: EventID) async throws -> (QueueEntry, QueueState) {
        try await batcher.submit(join, to: event)
    }
}
