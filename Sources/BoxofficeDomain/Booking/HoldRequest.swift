/// A customer's request to hold seats and GA tickets of one event, all or nothing.
public struct HoldRequest: Sendable, Hashable {
    /// The event.
    public var eventID: EventID
    /// The seats wanted.
    public var seatIDs: [SeatID]
    /// The GA tickets wanted.
    public var tickets: [TicketQuantity]
    /// Who asks.
    public var userIdentifier: String
    /// The client address it comes from, counted against the event's address cap; nil counts nowhere.
    public var clientAddress: String?
    /// The request's claim on its `Idempotency-Key`, recorded with the hold; nil without a key.
    public var keyClaim: KeyClaim?
    /// Seats for the engine to choose, instead of `seatIDs`.
    public var bestAvailable: BestAvailableRequest?
    /// The event the request's admission pass admits it to (the admission step checked the pass); an event sold
    /// behind a waiting room refuses a hold without one for it.
    public var admittedTo: EventID?
    /// Buy now: ask for payment from the customer's wallet in the hold's own transaction; the booking is then never
    /// `held`, it starts `payment_pending`.
    public var pay = false
    /// The new booking's id, chosen by the caller (so it can wait for the booking's outcome before asking); nil lets
    /// the engine choose.
    public var bookingID: BookingID?

    /// Creates a request.
    public init(
        eventID: EventID, seatIDs: [SeatID], tickets: [TicketQuantity], userIdentifier: String, clientAddress: String? = nil, keyClaim: KeyClaim? = nil,
        bestAvailable: BestAvailableRequest? = nil
    ) {
        self.eventID = eventID
        self.seatIDs = seatIDs
        self.tickets = tickets
        self.userIdentifier = userIdentifier
        self.clientAddress = clientAddress
        self.keyClaim = keyClaim
        self.bestAvailable = bestAvailable
    }

    /// Checks the request against the event's rules, without looking at availability.
    /// - Returns: the seat indexes within the event, the total price, and the customer's trimmed identifier.
    /// - Throws: ``DomainError/invalid(_:)`` naming the first broken rule.
    public func validated(for event: Event) throws(DomainError) -> (seatIndexes: [Int], amountMinor: Int64, customer: String) {
        let customer = try TextRules.required(userIdentifier, field: "user_identifier")
        if event.details.queued, admittedTo != event.id { throw .queuePassRequired(event.id) }
        guard !seatIDs.isEmpty || !tickets.isEmpty || bestAvailable != nil else {
            throw .invalid("A booking needs at least one seat in seat_ids, seats in best_available, or one ticket in ga.")
        }
        var indexes: [Int] = []
        var seen = Set<SeatID>()
        var amount: Int64 = 0
        for seat in seatIDs {
            guard seen.insert(seat).inserted else { throw .invalid("Seat \(seat) is listed twice.") }
            guard let index = event.seatIndex(of: seat) else {
                throw .invalid("Seat \(seat) does not belong to event \(event.id).")
            }
            indexes.append(index)
            amount += event.price(ofSeatAt: index)
        }
        var pools = Set<PoolID>()
        var count = seatIDs.count
        if let wanted = bestAvailable {
            guard seatIDs.isEmpty else { throw .invalid("Ask for seats either in seat_ids or in best_available, not both.") }
            try wanted.check(for: event)
            count += wanted.quantity
        }
        for line in tickets {
            guard let pool = event.pool(line.poolID) else {
                throw .invalid("General admission pool \(line.poolID) does not belong to event \(event.id).")
            }
            guard pools.insert(line.poolID).inserted else { throw .invalid("Pool \(line.poolID) is listed twice.") }
            guard line.quantity > 0 else { throw .invalid("The quantity for pool \(line.poolID) must be at least 1.") }
            guard line.quantity <= event.details.maxTicketsPerBooking else {
                throw .invalid("A booking may have at most \(event.details.maxTicketsPerBooking) tickets.")
            }
            count += line.quantity
            amount += pool.priceMinor * Int64(line.quantity)
        }
        guard count <= event.details.maxTicketsPerBooking else {
            throw .invalid("A booking may have at most \(event.details.maxTicketsPerBooking) tickets; this one asks for \(count).")
        }
        return (indexes, amount, customer)
    }
}
