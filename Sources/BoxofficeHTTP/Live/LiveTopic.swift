import BoxofficeDomain

/// What a live client can watch.
public enum LiveTopic: Hashable, Sendable {
    /// Seat and GA availability of one event.
    case event(EventID)
    /// One customer's bookings and wallet.
    case customer(String)
    /// Where one event's waiting room stands.
    case queue(EventID)
    /// How one event's doors stand (organizers only).
    case checkins(EventID)
}
