/// A new seat map for an event. Seats are known by their place in the map's order (their id is the event's first seat
/// id plus that place). While none is held, sold or kept blocked after a refund, the map may change freely (when its size
/// changes, its seats get a new block of ids); once one is — an event with sales — the number of seats stays, and every
/// taken seat stays where it is, with the same section, row, number and category: a ticket never points at a seat the
/// map lost or moved.
public struct SeatMapEdit: Hashable, Sendable {
    /// The new map, built from the organizer's description with the event's categories.
    public var seatMap: SeatMap

    /// Creates an edit.
    public init(seatMap: SeatMap) {
        self.seatMap = seatMap
    }

    /// Builds the new map from the organizer's description, with the event's categories.
    /// - Throws: ``DomainError/invalid(_:)`` naming the first broken rule of the description, or for an event left with
    ///   neither seats nor pools.
    public init(_ spec: SeatMapSpec, for event: Event) throws(DomainError) {
        seatMap = try spec.build(categories: event.categories)
        guard seatMap.seatCount > 0 || !event.gaPools.isEmpty else {
            throw .invalid("An event needs at least one seat or one general admission pool.")
        }
    }

    /// How many taken seats a refusal names at most.
    static let namedInRefusal = 5

    /// Whether the new map needs a fresh block of seat ids: one of another size, for an event with no seat taken.
    /// - Parameter claimed: the event's seats held, sold, or kept blocked after a refund.
    public func needsNewSeatIDs(_ event: Event, claimed: Set<SeatID>) -> Bool {
        claimed.isEmpty && seatMap.seatCount != event.seatMap.seatCount
    }

    /// The event with the new map (its first seat id as it was: see ``needsNewSeatIDs(_:claimed:)``) and its next layout
    /// version, given the seats taken now; the event as it is when the map is the same.
    /// - Parameter claimed: the event's seats held, sold, or kept blocked after a refund.
    /// - Throws: ``DomainError/eventStateConflict(_:_:)`` for a cancelled event, or, for an event with sales, a map of
    ///   another size or one that moves, renames or recategorizes a taken seat.
    public func applied(to event: Event, claimed: Set<SeatID>) throws(DomainError) -> Event {
        guard event.details.status != .cancelled else {
            throw .eventStateConflict(event.id, "\"\(event.details.title)\" was cancelled; it can no longer be changed.")
        }
        guard seatMap != event.seatMap else { return event }
        var edited = event
        edited.seatMap = seatMap
        edited.layoutVersion = event.layoutVersion + 1
        guard !claimed.isEmpty else { return edited }
        guard seatMap.seatCount == event.seatMap.seatCount else {
            throw .eventStateConflict(
                event.id, "\"\(event.details.title)\" has seats held or sold, so it keeps its \(event.seatMap.seatCount) seats: where nothing is held or sold they can be renamed, re-ranked and moved between categories, but none added or removed."
            )
        }
        let moved = claimed.compactMap(event.seatIndex(of:)).sorted().filter { !keeps(seatAt: $0, of: event) }
        guard moved.isEmpty else {
            let named = moved.prefix(Self.namedInRefusal).compactMap { event.seatMap.place(ofSeatAt: $0)?.label }
            let more = moved.count > named.count ? " and \(moved.count - named.count) more" : ""
            throw .eventStateConflict(
                event.id, "\(named.joined(separator: ", "))\(more) \(moved.count == 1 ? "is" : "are") held or sold: the new seat map must keep \(moved.count == 1 ? "it" : "them") at the same place, with the same section, row, number and category."
            )
        }
        return edited
    }

    /// Whether the new map has the same seat as the event's at an index: the same place and category.
    private func keeps(seatAt index: Int, of event: Event) -> Bool {
        event.seatMap.place(ofSeatAt: index) == seatMap.place(ofSeatAt: index) && event.seatMap.categoryOfSeat[index] == seatMap.categoryOfSeat[index]
    }
}
