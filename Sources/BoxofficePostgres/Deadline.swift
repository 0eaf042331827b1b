import BoxofficeMessaging
import Synchronization

/// Runs database work with a time limit, so a request never hangs on an unreachable server.
public enum Deadline {
    /// The work's result, or ``DeadlineExceeded`` once `limit` passes; the work is then cancelled.
    ///
    /// The work starts at once on the caller's thread (`Task.immediate`), so a call costs no wait for a
    /// thread to pick it up; only the timer is scheduled.
    public static func run<Value: Sendable>(within limit: Duration, _ work: @escaping @Sendable () async throws -> Value) async throws -> Value {
        let race = Race()
        return try await withCheckedThrowingContinuation { continuation in
            let timer = Task {
                try? await Task.sleep(for: limit)
                guard !Task.isCancelled, race.finish() else { return }
                race.cancelWorker()
                continuation.resume(throwing: DeadlineExceeded(limit: limit))
            }
            race.start(Task.immediate {
                do {
                    let value = try await work()
                    timer.cancel()
                    if race.finish() { continuation.resume(returning: value) }
                } catch {
                    timer.cancel()
                    if race.finish() { continuation.resume(throwing: error) }
                }
            })
        }
    }

    /// Who finished first, the work or the timer, and a handle to cancel the work.
    private final class Race: Sendable {
        private let finished = Atomic<Bool>(false)
        private let worker = Mutex<Task<Void, Never>?>(nil)

        func start(_ task: Task<Void, Never>) { worker.withLock { $0 = task } }
        func cancelWorker() { worker.withLock { $0 }?.cancel() }
        /// True for the first caller only.
        func finish() -> Bool { !finished.exchange(true, ordering: .acquiringAndReleasing) }
    }
}

/// Database work took longer than its limit.
public struct DeadlineExceeded: TransientFailure, CustomStringConvertible {
    /// The limit that passed.
    public let limit: Duration

    public var description: String { "the database did not answer within \(limit)" }
}
