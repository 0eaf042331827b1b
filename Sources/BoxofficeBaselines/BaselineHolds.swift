import BoxofficeDomain
import BoxofficeEngine
import Foundation

/// The benchmarks' hold path: every hold is its own transaction, and only the database decides availability.
/// The request's rules are checked as the engine checks them, and the engine's memory takes in each hold once it
/// is written, so the seat map, expiry and payment work as in production.
///
/// `serve --hold-strategy baseline-lock|baseline-update` wires it in front of the engine; the HTTP edge, the
/// event loop's handler included, uses it exactly as it uses the engine, so the ratios compare database work only.
public struct BaselineHolds: HoldPath {
    private let engine: BookingEngine
    private let writer: any BaselineHoldWriter
    private let locking: Bool
    private let now: @Sendable () -> Date

    /// The path for a baseline strategy; nil for `batched`, which is the engine itself.
    public init?(_ strategy: HoldStrategy, engine: BookingEngine, writer: any BaselineHoldWriter, now: @escaping @Sendable () -> Date = Date.init) {
        guard strategy != .batched else { return nil }
        self.engine = engine
        self.writer = writer
        self.locking = strategy == .baselineLock
        self.now = now
    }

    public func hold(_ request: HoldRequest) async throws -> Booking {
        let event = try engine.engine(for: request.eventID).snapshot.event
        // A baseline writes the seats a request names; it chooses none.
        guard request.bestAvailable == nil else { throw DomainError.invalid("best_available needs the batched engine; this server runs a baseline hold strategy.") }
        let (_, amount, customer) = try request.validated(for: event)
        let at = now()
        try event.details.checkSalesOpen(at: at)
        let booking = Booking(
            id: .random(), eventID: event.id, status: .held, seatIDs: request.seatIDs, tickets: request.tickets,
            amountMinor: amount, currency: event.details.currency, userIdentifier: customer,
            expiresAt: at.addingTimeInterval(TimeInterval(event.details.holdTTLSeconds)), createdAt: at
        )
        guard try await writer.holdDirectly(booking, locking: locking) else { throw DomainError.seatsTaken(request.seatIDs) }
        try await engine.recordCommitted(booking)
        return booking
    }

    /// Runs the hold in a task of its own: a baseline waits for its transaction, as the seed's design does.
    public func hold(_ request: HoldRequest, reply: @escaping HoldReply) {
        Task {
            do {
                reply(.success(try await hold(request)))
            } catch {
                reply(.failure(error))
            }
        }
    }
}
