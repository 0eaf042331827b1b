import Synchronization

/// Runs database work with a time limit, so a request never hangs on an unreachable server.
enum Deadline {
    /// The work's result, or ``DeadlineExceeded`` once `limit` passes (the work is then cancelled).
    static func run<Value: Sendable>(within limit: Duration, _ work: @escaping @Sendable () async throws -> Value) async throws -> Value {
        let claimed = Atomic<Bool>(false)
        let claim = { @Sendable in !claimed.exchange(true, ordering: .acquiringAndReleasing) }
        return try await withCheckedThrowingContinuation { continuation in
            let timer = Task {
                try? await Task.sleep(for: limit)
                if !Task.isCancelled, claim() { continuation.resume(throwing: DeadlineExceeded(limit: limit)) }
            }
            Task {
                do {
                    let value = try await work()
                    timer.cancel()
                    if claim() { continuation.resume(returning: value) }
                } catch {
                    timer.cancel()
                    if claim() { continuation.resume(throwing: error) }
                }
            }
        }
    }
}

/// Database work took longer than its limit.
public struct DeadlineExceeded: Error, CustomStringConvertible {
    /// The limit that passed.
    public let limit: Duration

    public var description: String { "the database did not answer within \(limit)" }
}
