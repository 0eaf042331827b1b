import Foundation
import Synchronization

/// Group commit for payments: the requests that arrive while one batch is being written all go into the next, one
/// transaction each, so a transaction's cost is shared by everything that waited for it.
final class PaymentBatcher: Sendable {
    private struct Waiting {
        let request: PaymentRequest
        let reply: CheckedContinuation<PaymentEffect?, any Error>
    }

    private struct Queue {
        var waiting: [Waiting] = []
        var draining = false
    }

    /// The most requests one transaction carries.
    static let maxBatch = 256

    private let store: any PaymentStore
    private let now: @Sendable () -> Date
    private let queue = Mutex(Queue())

    init(store: any PaymentStore, now: @escaping @Sendable () -> Date) {
        self.store = store
        self.now = now
    }

    /// Processes a payment request in the next batch.
    /// - Returns: what it changed; nil when its message was processed before.
    /// - Throws: the batch's error, when its transaction could not be written: nothing of it took effect.
    func pay(_ request: PaymentRequest) async throws -> PaymentEffect? {
        try await withCheckedThrowingContinuation { continuation in
            let starts = queue.withLock { queue in
                queue.waiting.append(Waiting(request: request, reply: continuation))
                defer { queue.draining = true }
                return !queue.draining
            }
            if starts { Task { await self.drain() } }
        }
    }

    private func drain() async {
        while let batch = take() {
            do {
                let effects = try await store.handle(batch.map(\.request), at: now())
                for waiting in batch { waiting.reply.resume(returning: effects[waiting.request.message]) }
            } catch {
                for waiting in batch { waiting.reply.resume(throwing: error) }
            }
        }
    }

    /// The oldest waiting requests, at most ``maxBatch``; nil when none wait (the drain then ends).
    private func take() -> [Waiting]? {
        queue.withLock { queue in
            guard !queue.waiting.isEmpty else {
                queue.draining = false
                return nil
            }
            let batch = Array(queue.waiting.prefix(Self.maxBatch))
            queue.waiting.removeFirst(batch.count)
            return batch
        }
    }
}
