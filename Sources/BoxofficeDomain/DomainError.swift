/// Everything the domain can refuse, each with a sentence a buyer or organizer can act on.
///
/// The HTTP layer maps ``kind`` to a status code; the domain never speaks HTTP.
public enum DomainError: Error, Equatable, Sendable {
    /// A value breaks a rule: the request can never succeed as written.
    case invalid(String)
    /// No event has this id.
    case eventNotFound(EventID)
    /// No seat has this id.
    case seatNotFound(SeatID)
    /// No booking has this id.
    case bookingNotFound(BookingID)
    /// Some of the requested seats are held or sold by another booking.
    case seatsTaken([SeatID])
    /// A GA pool has fewer tickets left than requested.
    case poolSoldOut(PoolID, remaining: Int)
    /// The event's sales window is not open at this moment.
    case salesNotOpen(String)
    /// The booking's status does not allow the action.
    case bookingStateConflict(BookingID, BookingStatus, action: String)
    /// Another identity signed up with this email.
    case emailTaken(String)
    /// The identity would hold or own more tickets of the event than its cap.
    case customerCapReached(cap: Int, holding: Int, asked: Int)
    /// The holds from one client address would hold more tickets than its cap; one of them ends in `retryAfter` seconds
    /// (nil: the booking alone is larger than the cap, and waiting will not help).
    case addressCapReached(cap: Int, retryAfter: Int?)
    /// The request's claim on its `Idempotency-Key` was given up or taken over by a retry before its effect was
    /// written: nothing was done, and the retry's answer is the one that counts.
    case keyClaimLost
    /// Best available found no seats for the request; the detail says what is left.
    case notEnoughSeats(String)
    /// A pick would leave a seat alone between taken seats or at a row's end, and the event refuses that.
    case orphanSeat(SeatID, String)
    /// The event sells behind a waiting room, and the request has no admission pass for it.
    case queuePassRequired(EventID)
    /// The event has no waiting room running.
    case noWaitingRoom(EventID)
    /// The visitor has not joined the event's waiting room.
    case notInQueue(EventID)
    /// The holder of the admission pass has paid for a booking of the event: the pass has done its work.
    case queuePassUsed(EventID)
    /// The waiting room asks for a proof of work with every join, and the join has none, or one that does not hold
    /// (the reason says which).
    case proofOfWorkRequired(EventID, String)
    /// The event's status forbids the change (a cancelled event, a draft published twice); the reason says why.
    case eventStateConflict(EventID, String)

    /// The broad class of a refusal, which decides the HTTP status.
    public enum Kind: Sendable {
        /// The request is malformed in meaning (422).
        case invalid
        /// The addressed thing does not exist (404).
        case notFound
        /// The request is valid but the current state forbids it (409).
        case conflict
        /// The caller has too much already and may try again later (429).
        case tooMany
        /// The caller may not do this without something it lacks (403).
        case forbidden
    }

    /// The broad class of this refusal.
    public var kind: Kind {
        switch self {
        case .invalid: .invalid
        case .eventNotFound, .seatNotFound, .bookingNotFound, .noWaitingRoom, .notInQueue: .notFound
        case .queuePassRequired, .queuePassUsed, .proofOfWorkRequired: .forbidden
        case .seatsTaken, .poolSoldOut, .salesNotOpen, .bookingStateConflict, .emailTaken, .customerCapReached, .keyClaimLost, .notEnoughSeats, .orphanSeat,
             .eventStateConflict: .conflict
        case .addressCapReached: .tooMany
        }
    }

    /// A human explanation of the refusal.
    public var detail: String {
        switch self {
        case .invalid(let reason):
            reason
        case .eventNotFound(let id):
            "There is no event with id \(id)."
        case .seatNotFound(let id):
            "There is no seat with id \(id)."
        case .bookingNotFound(let id):
            "There is no booking with id \(id)."
        case .seatsTaken(let seats):
            seats.count == 1
                ? "Seat \(seats[0]) is already taken."
                : "Seats \(seats.map(\.description).joined(separator: ", ")) are already taken."
        case .poolSoldOut(let pool, let remaining):
            remaining == 0
                ? "General admission pool \(pool) is sold out."
                : "General admission pool \(pool) has only \(remaining) tickets left."
        case .salesNotOpen(let reason):
            reason
        case .bookingStateConflict(let id, let status, let action):
            "Booking \(id) is \(status.rawValue) and cannot be \(action)."
        case .emailTaken(let email):
            "An account with the email \(email) exists already; log in instead."
        case .customerCapReached(let cap, let holding, let asked):
            "One customer may hold or buy at most \(cap) tickets for this event; you have \(holding), and this booking asks for \(asked)."
        case .addressCapReached(let cap, let retryAfter?):
            "The holds from your network have reached \(cap) tickets for this event; try again in \(retryAfter) s, when one of them ends."
        case .addressCapReached(let cap, nil):
            "The holds from one network may hold at most \(cap) tickets of this event at once; this booking asks for more."
        case .notEnoughSeats(let detail):
            detail
        case .orphanSeat(let seat, let label):
            "This pick would leave seat \(seat) (\(label)) alone between taken seats or at the end of its row, where nobody will buy it; take it too, or pick other seats."
        case .queuePassRequired(let event):
            "Event \(event) sells through its waiting room: join it (POST /api/events/\(event)/queue), and hold with the pass it gives you once admitted, in the Queue-Pass header."
        case .queuePassUsed(let event):
            "Your admission pass for event \(event) ended when you paid for your booking; one pass buys once."
        case .proofOfWorkRequired(let event, let reason):
            "\(reason) Read a challenge from GET /api/events/\(event)/queue/challenge, find a nonce, and join with {\"proof\": {\"challenge\", \"nonce\"}}."
        case .noWaitingRoom(let event):
            "Event \(event) has no waiting room."
        case .eventStateConflict(_, let reason):
            reason
        case .notInQueue(let event):
            "You have not joined the waiting room of event \(event); join it with POST /api/events/\(event)/queue."
        case .keyClaimLost:
            "A retry with this Idempotency-Key took it over before this request's effect was written: nothing was done here; the retry's answer counts."
        }
    }
}
