import BoxofficeDomain
import Foundation

/// The commands callers queue for the next batch, each answered once its batch is written.
extension EventEngine {
    /// Ends an unpaid hold at the customer's wish.
    /// - Returns: true when this call ended the hold; false when the booking holds nothing here.
    public nonisolated func release(_ id: BookingID) async throws -> Bool {
        try await withCheckedThrowingContinuation { submit(.release(id, $0)) }
    }

    /// Ends every hold whose time has run out.
    /// - Returns: how many holds ended.
    @discardableResult
    public nonisolated func expireDue() async throws -> Int {
        try await withCheckedThrowingContinuation { submit(.expireDue($0)) }
    }

    /// Moves a held booking to `payment_pending` and writes its payment request in the same transaction.
    /// - Returns: false when the booking is not held here any more.
    public nonisolated func requestPayment(_ booking: Booking, keyClaim: KeyClaim? = nil) async throws -> Bool {
        try await withCheckedThrowingContinuation { submit(.requestPayment(booking, keyClaim, $0)) }
    }

    /// Confirms (seats sold) or cancels (seats back on sale) a booking waiting for its payment, recording the
    /// outcome message in the inbox in the same transaction.
    public nonisolated func settle(_ id: BookingID, confirmed: Bool, message: UUID) async throws -> SettleOutcome {
        try await withCheckedThrowingContinuation { submit(.settle(id, confirmed: confirmed, message: message, $0)) }
    }

    /// Takes into memory a hold that a writer outside the engine already committed to the database (the
    /// benchmarks' baselines write each hold themselves), whatever memory believed about its seats; answered once
    /// the snapshot shows it.
    public nonisolated func recordCommitted(_ booking: Booking) async throws {
        try await withCheckedThrowingContinuation { submit(.recordCommitted(booking, $0)) }
    }

    /// Runs `work` — a write of this event's own, such as new prices — between two batches: no hold decided before it is
    /// written after it, and every hold decided after it sees its effect (the state is read again first; the caller is
    /// answered once the snapshot shows it).
    public nonisolated func betweenBatches<Value: Sendable>(_ work: @escaping @Sendable () async throws -> Value) async throws -> Value {
        try await withCheckedThrowingContinuation { continuation in
            submit(.exclusive {
                do {
                    let value = try await work()
                    return { continuation.resume(returning: value) }
                } catch {
                    return { continuation.resume(throwing: error) }
                }
            })
        }
    }
}
