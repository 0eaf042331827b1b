import BoxofficeDomain

/// The steps of one seat-map edit, in each backend's SQL, inside one transaction; ``SeatMapEditApplier`` runs them.
public protocol SeatMapEditTransaction {
    /// Takes the event's write lock until commit (the lock its batches take), and tells the other processes sharing the
    /// database, at commit, that the event changed.
    func lockEvent(_ event: EventID) async throws
    /// The event as stored now: its status, seat map, first seat id and prices (another process may have changed them).
    func storedEvent(_ id: EventID) async throws -> Event?
    /// The event's seats held, sold, or kept blocked after a refund.
    func claimedSeats(of event: Event) async throws -> Set<SeatID>
    /// Takes a fresh block of `count` seat ids and returns its first.
    func allocateSeats(_ count: Int) async throws -> SeatID
    /// Writes the event's seat map, first seat id, seat count and layout version.
    func writeLayout(of event: Event) async throws
}

/// How a seat map is changed, the same on every backend: under the event's write lock, so no batch writes a hold in
/// between, against the event and its taken seats as stored (``SeatMapEdit``).
public enum SeatMapEditApplier {
    /// Applies `edit` to the event. - Returns: the event with its new map.
    /// - Throws: ``DomainError`` when the event is gone or the edit would move a taken seat; nothing is written then.
    public static func apply(_ edit: SeatMapEdit, to id: EventID, in transaction: some SeatMapEditTransaction) async throws -> Event {
        try await transaction.lockEvent(id)
        guard let current = try await transaction.storedEvent(id) else { throw DomainError.eventNotFound(id) }
        let claimed = try await transaction.claimedSeats(of: current)
        var edited = try edit.applied(to: current, claimed: claimed)
        guard edited.layoutVersion != current.layoutVersion else { return current }
        if edit.needsNewSeatIDs(current, claimed: claimed) { edited.firstSeatID = try await transaction.allocateSeats(edit.seatMap.seatCount) }
        try await transaction.writeLayout(of: edited)
        return edited
    }
}
