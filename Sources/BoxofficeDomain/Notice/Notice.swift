import Foundation

/// Something that happened which the outside world can subscribe to (through webhooks), recorded in the same
/// transaction as the change itself, so it is never lost and never told for a change that did not happen.
public struct Notice: Hashable, Sendable {
    /// What happened.
    public enum Topic: String, Sendable, CaseIterable, Codable {
        /// A booking was paid.
        case bookingConfirmed = "booking.confirmed"
        /// Some or all of a booking's tickets were refunded.
        case bookingRefunded = "booking.refunded"
        /// A ticket was let in at the door.
        case checkinAdmitted = "checkin.admitted"
        /// Nothing of an event is left on sale: every seat and place is paid for.
        case eventSoldOut = "event.sold_out"
        /// An organizer called an event off.
        case eventCancelled = "event.cancelled"
    }

    /// The notice's own id: the same for every endpoint it is sent to, so a receiver can drop a repeat.
    public var id: UUID
    /// What happened.
    public var topic: Topic
    /// The event it happened to.
    public var eventID: EventID
    /// The booking it happened to, if any.
    public var bookingID: BookingID?
    /// What else names it: the refund's id, the ticket let in; empty when nothing does.
    public var subject: String
    /// When it happened.
    public var at: Date

    /// Creates a notice.
    public init(id: UUID = UUID(), topic: Topic, eventID: EventID, bookingID: BookingID? = nil, subject: String = "", at: Date) {
        self.id = id
        self.topic = topic
        self.eventID = eventID
        self.bookingID = bookingID
        self.subject = subject
        self.at = at
    }
}
