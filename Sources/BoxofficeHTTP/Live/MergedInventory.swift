import BoxofficeDomain

/// The seat map changes of one event over a range of versions, merged into one delta: each seat and pool named
/// once, with its state at the last version.
///
/// Applying it to a map at any version from ``fromVersion`` up to ``version`` gives the map at ``version``: a
/// seat not named did not change in the range, and every named one is overwritten with where it ended.
struct MergedInventory: Sendable {
    /// The event.
    let eventID: EventID
    /// The version the merged changes start from (not included).
    private(set) var fromVersion: UInt64
    /// The version they lead to.
    private(set) var version: UInt64
    /// Each changed seat's status at ``version``.
    private(set) var seats: [SeatID: SeatStatus] = [:]
    /// Each changed pool's counts at ``version``.
    private(set) var pools: [PoolID: PoolCounts] = [:]
    /// How many seats are available at ``version``.
    private(set) var availableSeats: Int
    /// The seat map's version the changes apply to.
    let layoutVersion: Int

    /// The changes of one delta.
    init(_ delta: InventoryDelta) {
        eventID = delta.eventID
        layoutVersion = delta.layoutVersion
        fromVersion = delta.version - 1
        version = delta.version
        availableSeats = delta.availableSeats
        add(delta)
    }

    /// Adds the next delta.
    /// - Returns: false when it does not follow ``version``, or belongs to another seat map; nothing is merged then.
    mutating func merge(_ delta: InventoryDelta) -> Bool {
        guard delta.eventID == eventID, delta.version == version + 1, delta.layoutVersion == layoutVersion else { return false }
        version = delta.version
        availableSeats = delta.availableSeats
        add(delta)
        return true
    }

    private mutating func add(_ delta: InventoryDelta) {
        for change in delta.seats { seats[change.seatID] = change.status }
        for change in delta.pools { pools[change.poolID] = change.counts }
    }
}
