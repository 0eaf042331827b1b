/// How holds reach the database in a benchmark run: the engine, or one of the two designs it is measured against.
public enum HoldStrategy: String, Sendable, CaseIterable {
    /// Production's only path: decided in memory per event, written in group-committed batches.
    case batched
    /// The seed's design: per request `BEGIN; lock the seat; check; INSERT; COMMIT`.
    case baselineLock = "baseline-lock"
    /// Per request one conditional write in autocommit.
    case baselineUpdate = "baseline-update"
}
