import BoxofficeDomain
import BoxofficeMessaging
import Foundation

/// A waiting booking's outcome message was already recorded as processed: the batch is rolled back.
struct InboxContradiction: Error {}

/// Applies a batch of ``InventoryChange``s through an ``InventoryTransaction``.
public enum BatchApplier {
    /// Writes every change conditionally and reports which applied; a change that did not apply leaves no trace.
    ///
    /// Ends go first, because a seat released in a batch may be taken by a hold decided after it.
    /// - Parameter customerCap: the event's customer cap; with one, every hold must fit in its customer's
    ///   holdings as the database counts them (across every process), and ends and cancellations give back.
    public static func apply(
        _ changes: [InventoryChange], event: EventID, customerCap: Int? = nil, in transaction: some InventoryTransaction
    ) async throws -> BatchResult {
        var applied = Array(repeating: true, count: changes.count)
        var holds: [(Int, Booking)] = []
        var ends: [(Int, EndedHold)] = []
        var starts: [(Int, PaymentStart)] = []
        var buys: [(Int, PaymentStart)] = []
        var settlements: [(Int, Settlement)] = []
        var keyed: [(Int, KeyEffect)] = []
        for (index, change) in changes.enumerated() {
            switch change {
            case .hold(let booking, let claim):
                holds.append((index, booking))
                if let claim { keyed.append((index, (claim, booking.id))) }
            case .endHold(let end):
                ends.append((index, end))
            case .requestPayment(let start):
                starts.append((index, start))
                if let claim = start.keyClaim { keyed.append((index, (claim, start.booking.id))) }
            case .buy(let start):
                holds.append((index, start.booking))
                buys.append((index, start))
                if let claim = start.keyClaim { keyed.append((index, (claim, start.booking.id))) }
            case .settle(let settlement):
                settlements.append((index, settlement))
            }
        }
        let lostClaims = try await recordKeyEffects(keyed, in: transaction, applied: &applied)
        holds.removeAll { !applied[$0.0] }
        starts.removeAll { !applied[$0.0] }
        try await endHolds(ends, in: transaction, applied: &applied)
        try await settle(settlements, event: event, in: transaction, applied: &applied)
        try await startPayments(starts, in: transaction, applied: &applied)
        if customerCap != nil {
            let given = ends.filter { applied[$0.0] }.map { ($0.1.customer, $0.1.ticketCount) }
                + settlements.filter { applied[$0.0] && !$0.1.confirmed }.map { ($0.1.customer, $0.1.ticketCount) }
            if !given.isEmpty { try await transaction.removeHoldings(perCustomer(given), event: event) }
        }
        let overCap = try await insertHolds(holds, event: event, customerCap: customerCap, in: transaction, applied: &applied)
        try await requestPayments(buys.filter { applied[$0.0] }.map(\.1), in: transaction)
        let unapplied = keyed.filter { !applied[$0.0] && !lostClaims.contains($0.0) }.map(\.1.claim)
        if !unapplied.isEmpty { try await transaction.clearKeyEffects(unapplied) }
        return BatchResult(applied: applied, overCap: overCap, lostKeyClaims: lostClaims)
    }

    /// Inserts the holds; with a customer cap, only those that fit in their customer's holdings as the database counts them.
    /// - Returns: the indexes of the holds refused for the cap.
    private static func insertHolds(
        _ holds: [(Int, Booking)], event: EventID, customerCap: Int?, in transaction: some InventoryTransaction, applied: inout [Bool]
    ) async throws -> Set<Int> {
        guard let customerCap, !holds.isEmpty else {
            try await insertHolds(holds, event: event, in: transaction, applied: &applied)
            return []
        }
        let fit = try await transaction.addHoldings(perCustomer(holds.map { ($0.1.userIdentifier, $0.1.ticketCount) }), event: event, cap: customerCap)
        var overCap = Set<Int>()
        for (index, booking) in holds where !fit.contains(booking.userIdentifier) {
            applied[index] = false
            overCap.insert(index)
        }
        let counted = holds.filter { applied[$0.0] }
        try await insertHolds(counted, event: event, in: transaction, applied: &applied)
        let lost = counted.filter { !applied[$0.0] }.map { ($0.1.userIdentifier, $0.1.ticketCount) }
        if !lost.isEmpty { try await transaction.removeHoldings(perCustomer(lost), event: event) }
        return overCap
    }

    /// Records each keyed write's booking as its key's effect, first, so a write whose claim is no longer its request's
    /// makes nothing (the claim was given up, or a retry took it over).
    /// - Returns: the indexes of the writes refused for that.
    private static func recordKeyEffects(_ keyed: [(Int, KeyEffect)], in transaction: some InventoryTransaction, applied: inout [Bool]) async throws -> Set<Int> {
        guard !keyed.isEmpty else { return [] }
        let recorded = try await transaction.recordKeyEffects(keyed.map(\.1))
        var lost = Set<Int>()
        for (index, effect) in keyed where !recorded.contains(effect.claim) {
            applied[index] = false
            lost.insert(index)
        }
        return lost
    }

    /// Whether every change of a batch is a hold: written, it only adds claims (those of refused holds are taken back in
    /// the same transaction), so other processes may follow it as new claims. A buy is not: another process may get
    /// its payment's outcome, and must know the booking waits for it as soon as it can.
    public static func holdsOnly(_ changes: [InventoryChange]) -> Bool {
        changes.allSatisfy { if case .hold = $0 { true } else { false } }
    }

    /// Tickets summed per customer, in customer order (the order every batch locks their rows in).
    static func perCustomer(_ lines: [(String, Int)]) -> [CustomerTickets] {
        var totals: [String: Int] = [:]
        for (customer, tickets) in lines { totals[customer, default: 0] += tickets }
        return totals.sorted { $0.key < $1.key }.map { (customer: $0.key, tickets: $0.value) }
    }

    /// Deletes seat claims whose booking was never written: what a crash leaves between a seats-only hold that
    /// lost a seat and the statement taking back its other claims (``BookingStore/apply(_:event:)``).
    public static let orphanClaimsCleanup = "DELETE FROM seat_claims WHERE NOT EXISTS (SELECT 1 FROM bookings WHERE bookings.id = seat_claims.booking_id)"

    /// The events with a hold past its expiry (one bound parameter: the moment).
    public static let overdueHoldEvents = "SELECT DISTINCT event_id FROM bookings WHERE status = 'held' AND expires_at < $1"

    /// The bookings of a batch made only of holds of seats only without an idempotency key (a flash sale's batches),
    /// which a store can write in one statement; nil for any other batch.
    public static func seatHolds(_ changes: [InventoryChange]) -> [Booking]? {
        var bookings: [Booking] = []
        for change in changes {
            guard case .hold(let booking, nil) = change, booking.holdsSeatsOnly else { return nil }
            bookings.append(booking)
        }
        return bookings
    }

    /// ``BookingStore/requestPaymentsAgain(waitingSince:at:limit:)``: one new `payment.requested` per booking that
    /// waited too long, in the transaction that moves its `updated_at`.
    public static func requestPaymentsAgain(waitingSince cutoff: Date, at: Date, limit: Int, in transaction: some InventoryTransaction) async throws -> [BookingID] {
        let waiting = try await transaction.touchWaitingPayments(since: cutoff, at: at, limit: limit)
        try await transaction.appendOutbox(try waiting.map { try Message($0, at: at) })
        return waiting.map { BookingID(rawValue: $0.bookingId) }
    }

    /// Whether a batch writes to the outbox (so the relay should be woken after its commit).
    public static func writesOutbox(_ changes: [InventoryChange]) -> Bool {
        changes.contains {
            switch $0 {
            case .requestPayment, .buy: true
            case .hold, .endHold, .settle: false
            }
        }
    }

    /// Settles first, then records the outcome messages of the bookings that moved, so a message is marked
    /// processed only together with its effect; a booking paid is noticed (`booking.confirmed`) in the same transaction.
    private static func settle(
        _ settlements: [(Int, Settlement)], event: EventID, in transaction: some InventoryTransaction, applied: inout [Bool]
    ) async throws {
        guard !settlements.isEmpty else { return }
        var moved = Set<BookingID>()
        for confirmed in [true, false] {
            let group = settlements.filter { $0.1.confirmed == confirmed }.map(\.1)
            guard let at = group.first?.at else { continue }
            let settled = try await transaction.settle(group.map(\.bookingID), confirmed: confirmed, at: at)
            moved.formUnion(settled)
            let done = group.filter { settled.contains($0.bookingID) }
            guard !done.isEmpty else { continue }
            if confirmed {
                let seats = claims(done.map { ($0.bookingID, $0.seatIDs) })
                if !seats.isEmpty { try await transaction.sellClaims(seats) }
                for (pool, quantity) in totals(done.flatMap(\.tickets)) { try await transaction.sellHeld(quantity, from: pool) }
            } else {
                try await deleteClaims(of: done.map { ($0.bookingID, $0.seatIDs) }, in: transaction)
                for (pool, quantity) in totals(done.flatMap(\.tickets)) { try await transaction.removeHeld(quantity, from: pool) }
            }
        }
        let recorded = settlements.filter { moved.contains($0.1.bookingID) }.map(\.1.messageID)
        guard try await transaction.recordInbox(recorded).count == recorded.count else { throw InboxContradiction() }
        try await transaction.appendHistory(settlements.map(\.1).filter { moved.contains($0.bookingID) }.map { settled in
            BookingHistoryEntry(
                bookingID: settled.bookingID, at: settled.at, kind: settled.confirmed ? .confirmed : .cancelled,
                detail: settled.confirmed ? "payment succeeded; seats sold" : "payment failed; seats back on sale"
            )
        })
        let paid = settlements.map(\.1).filter { $0.confirmed && moved.contains($0.bookingID) }
        if !paid.isEmpty {
            // The notice's id is the outcome message's: the same payment never makes two notices.
            try await transaction.appendNotices(paid.map {
                Notice(id: $0.messageID, topic: .bookingConfirmed, eventID: event, bookingID: $0.bookingID, at: $0.at)
            })
        }
        for (index, settlement) in settlements where !moved.contains(settlement.bookingID) { applied[index] = false }
    }

    private static func startPayments(_ starts: [(Int, PaymentStart)], in transaction: some InventoryTransaction, applied: inout [Bool]) async throws {
        guard let at = starts.first?.1.at else { return }
        let moved = try await transaction.startPayments(starts.map(\.1.booking.id), at: at)
        for (index, start) in starts where !moved.contains(start.booking.id) { applied[index] = false }
        try await requestPayments(starts.filter { moved.contains($0.1.booking.id) }.map(\.1), in: transaction)
    }

    /// Writes the `payment.requested` message and the history line of each booking whose payment starts.
    private static func requestPayments(_ starts: [PaymentStart], in transaction: some InventoryTransaction) async throws {
        guard !starts.isEmpty else { return }
        try await transaction.appendOutbox(starts.map { start in
            let booking = start.booking
            let body = PaymentRequested(
                bookingId: booking.id.rawValue, userIdentifier: booking.userIdentifier,
                amountMinor: booking.amountMinor, currency: booking.currency.code, eventId: booking.eventID.rawValue
            )
            return try Message(body, id: start.messageID, at: start.at)
        })
        try await transaction.appendHistory(starts.map { start in
            BookingHistoryEntry(
                bookingID: start.booking.id, at: start.at, kind: .paymentRequested,
                detail: "\(start.booking.currency.format(start.booking.amountMinor)) asked of \(start.booking.userIdentifier)'s wallet"
            )
        })
    }

    private static func endHolds(_ ends: [(Int, EndedHold)], in transaction: some InventoryTransaction, applied: inout [Bool]) async throws {
        guard !ends.isEmpty else { return }
        var done: [EndedHold] = []
        for status in [BookingStatus.released, .expired] {
            let group = ends.filter { $0.1.status == status }
            guard let at = group.first?.1.at else { continue }
            let moved = try await transaction.endHolds(group.map(\.1.bookingID), status: status, at: at)
            for (index, end) in group {
                if moved.contains(end.bookingID) { done.append(end) } else { applied[index] = false }
            }
        }
        guard !done.isEmpty else { return }
        try await transaction.appendHistory(done.map { ended in
            BookingHistoryEntry(
                bookingID: ended.bookingID, at: ended.at, kind: ended.status == .released ? .released : .expired,
                detail: ended.status == .released ? "the hold was let go" : "the hold's time ran out before payment"
            )
        })
        try await deleteClaims(of: done.map { ($0.bookingID, $0.seatIDs) }, in: transaction)
        for (pool, quantity) in totals(done.flatMap(\.tickets)) {
            try await transaction.removeHeld(quantity, from: pool)
        }
    }

    /// Holds of seats only — a flash sale's — are claimed and inserted together; holds with tickets from a
    /// pool go the longer way, through the pool's counters.
    private static func insertHolds(_ holds: [(Int, Booking)], event: EventID, in transaction: some InventoryTransaction, applied: inout [Bool]) async throws {
        let seatsOnly = holds.filter { $0.1.holdsSeatsOnly }
        if !seatsOnly.isEmpty {
            let inserted = try await transaction.insertSeatHolds(seatsOnly.map(\.1), event: event)
            for (index, booking) in seatsOnly where !inserted.contains(booking.id) { applied[index] = false }
            try await deleteClaims(ofHoldsNotIn: inserted, seatsOnly.map(\.1), in: transaction)
        }
        try await insertHoldsWithTickets(holds.filter { !$0.1.holdsSeatsOnly }, event: event, in: transaction, applied: &applied)
    }

    private static func insertHoldsWithTickets(_ holds: [(Int, Booking)], event: EventID, in transaction: some InventoryTransaction, applied: inout [Bool]) async throws {
        guard !holds.isEmpty else { return }
        let wanted = claims(holds.map { ($0.1.id, $0.1.seatIDs) })
        let claimed = wanted.isEmpty ? [:] : try await transaction.claimSeats(wanted, event: event)
        for (index, booking) in holds where booking.seatIDs.contains(where: { claimed[$0] != booking.id }) {
            applied[index] = false
        }

        var taken: [Int: [PoolID]] = [:]
        var linesByPool: [PoolID: [(index: Int, quantity: Int)]] = [:]
        for (index, booking) in holds where applied[index] {
            for line in booking.tickets { linesByPool[line.poolID, default: []].append((index, line.quantity)) }
        }
        for (pool, lines) in linesByPool.sorted(by: { $0.key < $1.key }) {
            if try await transaction.addHeld(lines.reduce(0) { $0 + $1.quantity }, to: pool) {
                for line in lines { taken[line.index, default: []].append(pool) }
                continue
            }
            for line in lines where applied[line.index] {
                if try await transaction.addHeld(line.quantity, to: pool) {
                    taken[line.index, default: []].append(pool)
                } else {
                    applied[line.index] = false
                }
            }
        }

        let failed = holds.filter { !applied[$0.0] }
        if !failed.isEmpty {
            try await deleteClaims(of: failed.map { ($0.1.id, $0.1.seatIDs) }, in: transaction)
            for (index, booking) in failed {
                for line in booking.tickets where taken[index, default: []].contains(line.poolID) {
                    try await transaction.removeHeld(line.quantity, from: line.poolID)
                }
            }
        }
        let succeeded = holds.filter { applied[$0.0] }.map(\.1)
        if !succeeded.isEmpty { try await transaction.insertBookings(succeeded) }
    }

    /// The claims of bookings' seats, in seat order (the order every batch locks rows in).
    public static func claims(_ bookings: [(BookingID, [SeatID])]) -> [SeatClaim] {
        bookings.flatMap { booking, seats in seats.map { (seat: $0, booking: booking) } }.sorted { $0.seat < $1.seat }
    }

    /// Takes back the claims a seats-only hold made when it did not get all its seats.
    public static func deleteClaims(ofHoldsNotIn inserted: Set<BookingID>, _ holds: [Booking], in transaction: some InventoryTransaction) async throws {
        try await deleteClaims(of: holds.filter { !inserted.contains($0.id) }.map { ($0.id, $0.seatIDs) }, in: transaction)
    }

    private static func deleteClaims(of bookings: [(BookingID, [SeatID])], in transaction: some InventoryTransaction) async throws {
        let seats = claims(bookings)
        if !seats.isEmpty { try await transaction.deleteClaims(seats) }
    }

    private static func totals(_ tickets: [TicketQuantity]) -> [(PoolID, Int)] {
        var totals: [PoolID: Int] = [:]
        for line in tickets { totals[line.poolID, default: 0] += line.quantity }
        return totals.sorted { $0.key < $1.key }
    }
}

extension Booking {
    /// Whether the booking holds seats and no GA tickets: the kind a flash sale's batches are made of.
    var holdsSeatsOnly: Bool { tickets.isEmpty && !seatIDs.isEmpty }
}
