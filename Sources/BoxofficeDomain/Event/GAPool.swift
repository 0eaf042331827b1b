/// A general-admission pool: tickets without a seat, limited by capacity.
public struct GAPool: Hashable, Sendable {
    /// The pool's id.
    public var id: PoolID
    /// The name shown to buyers, such as "Standing".
    public var name: String
    /// The price of one ticket in minor units.
    public var priceMinor: Int64
    /// How many tickets the pool has in all; `held + sold` never exceeds it.
    public var capacity: Int

    /// Creates a pool.
    public init(id: PoolID, name: String, priceMinor: Int64, capacity: Int) {
        self.id = id
        self.name = name
        self.priceMinor = priceMinor
        self.capacity = capacity
    }
}
