import Foundation

/// The sale state of one event's inventory, and the rules that change it.
///
/// Pure and synchronous: the engine decides a whole batch against a copy, persists it, then keeps the copy.
public struct EventInventory: Sendable {
    /// The event whose inventory this is.
    public let event: Event
    /// The state of every seat, by seat index.
    public private(set) var seats: [SeatStatus]
    /// The counters of every GA pool.
    public private(set) var pools: [PoolID: PoolCounts]
    /// The unpaid holds that can still be released or expire.
    public private(set) var holds: [BookingID: ActiveHold]
    /// The holds waiting for their payment's outcome; they do not expire.
    public private(set) var pending: [BookingID: ActiveHold]
    /// How many seats are available.
    public private(set) var availableSeats: Int
    /// The tickets each customer holds or owns (held, waiting for payment, confirmed), for the customer cap.
    public private(set) var holdings: [String: Int]
    /// The customers with a paid booking of this event and how many they have, kept for an event sold behind a waiting
    /// room: their admission pass has done its work, and buys nothing more.
    public private(set) var paidCustomers: [String: Int]
    /// The tickets the holds made from each client address hold, for the address cap; only holds this process
    /// made know their address.
    private var addressHolds: [String: AddressHolds] = [:]
    /// No hold expires before this moment (a lower bound that lets most sweeps skip the scan).
    private var earliestExpiry: Date
    /// The seats' ranking, built when an allocation or the orphan rule first needs it.
    var ranking: SeatRanking?
    /// The free runs of every row, kept once an allocation first needs them.
    var freeRuns: FreeRuns?

    /// Rebuilds the state of an event from stored facts.
    /// - Parameters:
    ///   - holdings: the tickets each customer holds or owns, as the store counts them.
    ///   - paidCustomers: for an event sold behind a waiting room, the customers with a paid booking of it, and how many.
    public init(
        event: Event, seats: [SeatStatus], pools: [PoolID: PoolCounts], holds: [ActiveHold], pending: [ActiveHold] = [], holdings: [String: Int] = [:],
        paidCustomers: [String: Int] = [:]
    ) {
        precondition(seats.count == event.seatMap.seatCount, "one status per seat")
        self.event = event
        self.seats = seats
        self.pools = pools
        self.holds = Dictionary(uniqueKeysWithValues: holds.map { ($0.bookingID, $0) })
        self.pending = Dictionary(uniqueKeysWithValues: pending.map { ($0.bookingID, $0) })
        self.availableSeats = seats.reduce(0) { $0 + ($1 == .available ? 1 : 0) }
        self.holdings = holdings
        self.paidCustomers = paidCustomers
        self.earliestExpiry = holds.map(\.expiresAt).min() ?? .distantFuture
    }

    /// The state of a freshly created event: everything available.
    public init(newEvent event: Event) {
        let pools = Dictionary(uniqueKeysWithValues: event.gaPools.map { ($0.id, PoolCounts(capacity: $0.capacity, held: 0, sold: 0)) })
        self.init(event: event, seats: Array(repeating: .available, count: event.seatMap.seatCount), pools: pools, holds: [])
    }

    /// Holds the requested seats and tickets for a new booking, all or nothing.
    /// - Parameter enforcingCaps: false lets the customer past the event's customer cap (still counting it).
    /// - Throws: ``DomainError`` when the request is invalid, sales are closed, a cap is reached, or inventory is taken.
    public mutating func hold(_ request: HoldRequest, id: BookingID, now: Date, enforcingCaps: Bool = true) throws(DomainError) -> Booking {
        guard request.eventID == event.id else { throw .invalid("The request is for event \(request.eventID), not \(event.id).") }
        var (indexes, amount, customer) = try request.validated(for: event)
        if event.details.queued, paidCustomers[customer] != nil { throw .queuePassUsed(event.id) }
        try event.details.checkSalesOpen(at: now)
        let quantity = indexes.count + (request.bestAvailable?.quantity ?? 0) + request.tickets.reduce(0) { $0 + $1.quantity }
        if enforcingCaps { try checkCaps(adding: quantity, customer: customer, address: request.clientAddress, now: now) }
        let taken = indexes.filter { seats[$0] != .available }
        guard taken.isEmpty else { throw .seatsTaken(taken.map(event.seatID(at:))) }
        for line in request.tickets {
            let available = pools[line.poolID]?.available ?? 0
            guard line.quantity <= available else { throw .poolSoldOut(line.poolID, remaining: available) }
        }
        if event.details.orphanRule == .refuse, !indexes.isEmpty, let alone = orphan(leftBy: indexes) {
            throw .orphanSeat(event.seatID(at: alone), ranking?.label(of: alone) ?? "")
        }
        var seatIDs = request.seatIDs
        if let wanted = request.bestAvailable {
            let chosen = try allocate(wanted)
            indexes += chosen
            seatIDs += chosen.map(event.seatID(at:))
            amount += chosen.reduce(0) { $0 + event.price(ofSeatAt: $1) }
        }

        for index in indexes { mark(index, .held) }
        availableSeats -= indexes.count
        for line in request.tickets { pools[line.poolID]?.held += line.quantity }
        let expiresAt = now.addingTimeInterval(TimeInterval(event.details.holdTTLSeconds))
        let hold = ActiveHold(bookingID: id, customer: customer, seatIndexes: indexes, tickets: request.tickets, expiresAt: expiresAt, address: request.clientAddress)
        holds[id] = hold
        count(hold, customer: 1, address: 1)
        earliestExpiry = min(earliestExpiry, expiresAt)
        return Booking(
            id: id, eventID: event.id, status: .held, seatIDs: seatIDs, tickets: request.tickets,
            amountMinor: amount, currency: event.details.currency, userIdentifier: customer,
            expiresAt: expiresAt, createdAt: now
        )
    }

    /// Puts an unpaid hold's seats and tickets back on sale.
    /// - Returns: the hold that ended, or nil when the booking holds nothing here any more.
    public mutating func endHold(_ id: BookingID) -> ActiveHold? {
        guard let hold = holds.removeValue(forKey: id) else { return nil }
        for index in hold.seatIndexes { mark(index, .available) }
        availableSeats += hold.seatIndexes.count
        for line in hold.tickets { pools[line.poolID]?.held -= line.quantity }
        count(hold, customer: -1, address: -1)
        return hold
    }

    /// Takes into memory a hold the database already has (committed by a writer outside the engine), whatever
    /// memory believed about its seats.
    public mutating func recordCommitted(_ booking: Booking) {
        guard holds[booking.id] == nil else { return }
        let indexes = booking.seatIDs.compactMap(event.seatIndex(of:))
        for index in indexes where seats[index] == .available {
            mark(index, .held)
            availableSeats -= 1
        }
        for line in booking.tickets { pools[line.poolID]?.held += line.quantity }
        let hold = ActiveHold(bookingID: booking.id, customer: booking.userIdentifier, seatIndexes: indexes, tickets: booking.tickets, expiresAt: booking.expiresAt)
        holds[booking.id] = hold
        count(hold, customer: 1, address: 1)
        earliestExpiry = min(earliestExpiry, booking.expiresAt)
    }

    /// Puts back a hold that ``endHold(_:)`` ended, when the end could not be written.
    public mutating func restore(_ hold: ActiveHold) {
        guard holds[hold.bookingID] == nil else { return }
        for index in hold.seatIndexes { mark(index, .held) }
        availableSeats -= hold.seatIndexes.count
        for line in hold.tickets { pools[line.poolID]?.held += line.quantity }
        holds[hold.bookingID] = hold
        count(hold, customer: 1, address: 1)
        earliestExpiry = min(earliestExpiry, hold.expiresAt)
    }

    /// Moves an unpaid hold to payment: from now on it waits for the payment's outcome and does not expire.
    /// - Returns: the hold, or nil when the booking holds nothing unpaid here.
    public mutating func beginPayment(_ id: BookingID) -> ActiveHold? {
        guard let hold = holds.removeValue(forKey: id) else { return nil }
        pending[id] = hold
        return hold
    }

    /// Takes back ``beginPayment(_:)`` when it could not be written.
    public mutating func revertPayment(_ hold: ActiveHold) {
        guard pending.removeValue(forKey: hold.bookingID) != nil else { return }
        holds[hold.bookingID] = hold
        earliestExpiry = min(earliestExpiry, hold.expiresAt)
    }

    /// Ends a payment: confirmed sells the seats and tickets, otherwise they go back on sale.
    /// - Returns: the hold, or nil when the booking is not waiting for a payment here.
    public mutating func settle(_ id: BookingID, confirmed: Bool) -> ActiveHold? {
        guard let hold = pending.removeValue(forKey: id) else { return nil }
        for index in hold.seatIndexes { mark(index, confirmed ? .sold : .available) }
        if !confirmed { availableSeats += hold.seatIndexes.count }
        for line in hold.tickets {
            pools[line.poolID]?.held -= line.quantity
            if confirmed { pools[line.poolID]?.sold += line.quantity }
        }
        // A paid booking is still the customer's, but no longer a hold of its address.
        count(hold, customer: confirmed ? 0 : -1, address: -1)
        if confirmed, event.details.queued { paidCustomers[hold.customer, default: 0] += 1 }
        return hold
    }

    /// Takes back ``settle(_:confirmed:)`` when it could not be written.
    public mutating func unsettle(_ hold: ActiveHold, confirmed: Bool) {
        guard pending[hold.bookingID] == nil else { return }
        for index in hold.seatIndexes { mark(index, .held) }
        if !confirmed { availableSeats -= hold.seatIndexes.count }
        for line in hold.tickets {
            pools[line.poolID]?.held += line.quantity
            if confirmed { pools[line.poolID]?.sold -= line.quantity }
        }
        count(hold, customer: confirmed ? 0 : 1, address: 1)
        if confirmed, event.details.queued, let paid = paidCustomers[hold.customer] { paidCustomers[hold.customer] = paid > 1 ? paid - 1 : nil }
        pending[hold.bookingID] = hold
    }

    /// Sets a seat's status, and tells the free runs its row changed.
    mutating func mark(_ index: Int, _ status: SeatStatus) {
        seats[index] = status
        freeRuns?.seatChanged(index)
    }

    /// Refuses a hold of `count` tickets that would take its customer, or its address, over the event's caps.
    private mutating func checkCaps(adding count: Int, customer: String, address: String?, now: Date) throws(DomainError) {
        if let cap = event.details.maxTicketsPerCustomer {
            let holding = holdings[customer, default: 0]
            guard holding + count <= cap else { throw .customerCapReached(cap: cap, holding: holding, asked: count) }
        }
        guard let address, let cap = event.details.addressCap else { return }
        guard count <= cap else { throw .addressCapReached(cap: cap, retryAfter: nil) }
        guard var held = addressHolds[address], held.tickets + count > cap else { return }
        if held.earliestExpiry <= now {
            // The hold that ended first is gone (or waits for its payment): find the one that ends next.
            held.earliestExpiry = holds.values.filter { $0.address == address }.map(\.expiresAt).min() ?? now.addingTimeInterval(TimeInterval(event.details.holdTTLSeconds))
            addressHolds[address] = held
        }
        throw .addressCapReached(cap: cap, retryAfter: max(1, Int(held.earliestExpiry.timeIntervalSince(now).rounded(.up))))
    }

    /// Takes what only this process knew from a previous state of this event: the addresses of its holds (the store
    /// knows none), with their counts against the address cap, so that after a re-read the holds this process made
    /// still count; and the seats' ranking, unless the seat map changed.
    public mutating func keepProcessState(of previous: EventInventory) {
        if previous.event.seatMap == event.seatMap { ranking = previous.ranking }
        for (id, old) in previous.holds.merging(previous.pending, uniquingKeysWith: { first, _ in first }) where old.address != nil {
            if var hold = holds[id], hold.address == nil {
                hold.address = old.address
                holds[id] = hold
                count(hold, customer: 0, address: 1)
            } else if var hold = pending[id], hold.address == nil {
                hold.address = old.address
                pending[id] = hold
                count(hold, customer: 0, address: 1)
            }
        }
    }

    /// Counts a hold's tickets in (+1) or out (-1) of its customer's holdings and its address's holds, or leaves one as it is (0).
    private mutating func count(_ hold: ActiveHold, customer: Int, address: Int) {
        let tickets = hold.ticketCount
        // Only an event with a customer cap needs its customers counted (the store keeps no count for the others).
        if customer != 0, event.details.maxTicketsPerCustomer != nil {
            let left = holdings[hold.customer, default: 0] + customer * tickets
            holdings[hold.customer] = left > 0 ? left : nil
        }
        guard address != 0, let key = hold.address else { return }
        var entry = addressHolds[key] ?? AddressHolds(tickets: 0, earliestExpiry: hold.expiresAt)
        entry.tickets += address * tickets
        if address > 0 { entry.earliestExpiry = min(entry.earliestExpiry, hold.expiresAt) }
        addressHolds[key] = entry.tickets > 0 ? entry : nil
    }

    /// No hold expires before this moment (it may be earlier than the first expiry, never later).
    public var nextExpiry: Date { earliestExpiry }

    /// The holds whose time has run out at a moment.
    public mutating func dueHolds(at now: Date) -> [BookingID] {
        guard now >= earliestExpiry else { return [] }
        var due: [BookingID] = []
        var next = Date.distantFuture
        for hold in holds.values {
            if hold.expiresAt <= now { due.append(hold.bookingID) } else { next = min(next, hold.expiresAt) }
        }
        earliestExpiry = due.isEmpty ? next : min(next, now)
        return due
    }
}

/// The tickets held from one client address, and no hold of them ends before `earliestExpiry` (a lower bound).
struct AddressHolds: Sendable {
    var tickets: Int
    var earliestExpiry: Date
}
