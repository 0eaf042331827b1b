import BoxofficeDomain

/// A committed, immutable view of one event's inventory, published after every durable batch.
///
/// Readers (the seat map endpoint, the events list) take it without waiting for the engine.
public struct InventorySnapshot: Sendable {
    /// The event.
    public let event: Event
    /// Grows by one with every committed batch that changed something; names the state in ETags.
    public let version: UInt64
    /// The state of every seat, by seat index.
    public let seats: [SeatStatus]
    /// The counters of every GA pool.
    public let pools: [PoolID: PoolCounts]
    /// How many seats are available.
    public let availableSeats: Int

    /// Takes a snapshot of an inventory.
    public init(_ inventory: EventInventory, version: UInt64) {
        self.event = inventory.event
        self.version = version
        self.seats = inventory.seats
        self.pools = inventory.pools
        self.availableSeats = inventory.availableSeats
    }
}

extension InventorySnapshot {
    /// What changed from an earlier snapshot of the same event to this one.
    /// - Parameter candidates: the only seat indexes that may differ; nil compares every seat.
    public func delta(since earlier: InventorySnapshot, seats candidates: [Int]?) -> InventoryDelta {
        var changedSeats: [InventoryDelta.SeatChange] = []
        func compare(_ index: Int) {
            if !earlier.seats.indices.contains(index) || seats[index] != earlier.seats[index] {
                changedSeats.append(InventoryDelta.SeatChange(seatID: event.seatID(at: index), status: seats[index]))
            }
        }
        if let candidates {
            for index in Set(candidates).sorted() { compare(index) }
        } else {
            for index in seats.indices { compare(index) }
        }
        let changedPools = pools.filter { earlier.pools[$0.key] != $0.value }.sorted { $0.key < $1.key }
            .map { InventoryDelta.PoolChange(poolID: $0.key, counts: $0.value) }
        return InventoryDelta(
            eventID: event.id, version: version, seats: changedSeats, pools: changedPools, availableSeats: availableSeats, layoutVersion: event.layoutVersion
        )
    }
}

extension InventorySnapshot {
    /// Why this committed state refuses a hold of these seats and the request's tickets, in the order the
    /// engine checks them (seats, then pools); nil when it does not.
    func refusal(of request: HoldRequest, seatIndexes: [Int]) -> DomainError? {
        let taken = seatIndexes.filter { seats[$0] != .available }
        if !taken.isEmpty { return .seatsTaken(taken.map(event.seatID(at:))) }
        for line in request.tickets {
            let available = pools[line.poolID]?.available ?? 0
            if line.quantity > available { return .poolSoldOut(line.poolID, remaining: available) }
        }
        return nil
    }
}
