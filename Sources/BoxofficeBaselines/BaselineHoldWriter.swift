import BoxofficeDomain

/// The per-request writes of the baselines: each hold in its own transaction, decided by the database alone.
public protocol BaselineHoldWriter: Sendable {
    /// Writes one hold in its own transaction, conditionally.
    /// - Parameter locking: true for `baseline-lock` (lock, check, insert), false for `baseline-update`.
    /// - Returns: false when a seat was taken or a pool had too few tickets left.
    func holdDirectly(_ booking: Booking, locking: Bool) async throws -> Bool
}
