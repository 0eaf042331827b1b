/// How holds reach the database. Only `batched` is for production; the baselines exist to measure it against.
public enum HoldStrategy: String, Sendable, CaseIterable {
    /// The engine: decided in memory per event, written in group-committed batches.
    case batched
    /// Benchmark only, the seed's design: per request `BEGIN; lock the seat; check; INSERT; COMMIT`.
    case baselineLock = "baseline-lock"
    /// Benchmark only: per request one conditional write in autocommit.
    case baselineUpdate = "baseline-update"
}

/// The per-request writes of the baseline strategies, for benchmarks.
public protocol BaselineHoldStore: Sendable {
    /// Writes one hold in its own transaction, conditionally; returns false when a seat was taken.
    /// - Parameter locking: true for `baseline-lock` (lock, check, insert), false for `baseline-update`.
    func holdDirectly(_ booking: Booking, locking: Bool) async throws -> Bool
}
