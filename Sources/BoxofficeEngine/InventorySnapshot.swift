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
