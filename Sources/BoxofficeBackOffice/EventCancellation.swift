import BoxofficeDomain
import Foundation

/// An event called off: every hold released and every paid booking refunded, by a job any booking instance runs and
/// any can resume — each step is one booking's own transaction, decided again from the database, so a crash midway
/// skips nothing and repeats nothing.
public struct EventCancellation: Sendable, Hashable {
    /// The event.
    public var eventID: EventID
    /// The organizer who called it off.
    public var requestedBy: String
    /// When.
    public var startedAt: Date
    /// When the last booking was settled; nil while the job runs.
    public var finishedAt: Date?
    /// Bookings refunded because the event was cancelled, so far.
    public var refunded: Int
    /// Bookings still held, waiting for their payment, or paid: what the job has left to do.
    public var remaining: Int

    /// Creates a cancellation.
    public init(eventID: EventID, requestedBy: String, startedAt: Date, finishedAt: Date? = nil, refunded: Int = 0, remaining: Int = 0) {
        self.eventID = eventID
        self.requestedBy = requestedBy
        self.startedAt = startedAt
        self.finishedAt = finishedAt
        self.refunded = refunded
        self.remaining = remaining
    }

    /// The statuses of the bookings the job still has to settle.
    public static let unsettled: [BookingStatus] = [.held, .paymentPending, .confirmed]
}
