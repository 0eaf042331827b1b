import Foundation

/// New prices for some of an event's price categories and pools. A price may change only while nothing of its category
/// or pool is held or sold: what a customer holds or paid for keeps the price they were shown.
public struct PriceEdit: Hashable, Sendable {
    /// New prices by category key.
    public var categories: [String: Int64]
    /// New prices by pool.
    public var pools: [PoolID: Int64]

    /// Creates an edit.
    public init(categories: [String: Int64] = [:], pools: [PoolID: Int64] = [:]) {
        self.categories = categories
        self.pools = pools
    }

    /// Whether it changes nothing.
    public var isEmpty: Bool { categories.isEmpty && pools.isEmpty }

    /// Checks the edit against the event's names and rules.
    /// - Throws: ``DomainError/invalid(_:)`` for an unknown category or pool, or a price out of range.
    public func check(against event: Event) throws(DomainError) {
        for (key, price) in categories.sorted(by: { $0.key < $1.key }) {
            guard event.categories.contains(where: { $0.key == key }) else {
                throw .invalid("\"\(event.details.title)\" has no price category \"\(key)\"; its categories are \(event.categories.map(\.key).joined(separator: ", ")).")
            }
            try EventDraft.checkPrice(price, of: "category \"\(key)\"")
        }
        for (pool, price) in pools.sorted(by: { $0.key.rawValue < $1.key.rawValue }) {
            guard let found = event.pool(pool) else { throw .invalid("\"\(event.details.title)\" has no pool \(pool.rawValue).") }
            try EventDraft.checkPrice(price, of: "pool \"\(found.name)\"")
        }
    }

    /// The event with the new prices, given what of it is held or sold now.
    /// - Parameters:
    ///   - claimed: the seats held or sold.
    ///   - counts: the pools' counters.
    /// - Throws: the errors of ``check(against:)``; ``DomainError/eventStateConflict(_:_:)`` when a category has a seat
    ///   held or sold, or a pool a ticket held or sold.
    public func applied(to event: Event, claimed: Set<SeatID>, counts: [PoolID: PoolCounts]) throws(DomainError) -> Event {
        try check(against: event)
        var event = event
        for (index, category) in event.categories.enumerated() {
            guard let price = categories[category.key], price != category.priceMinor else { continue }
            let taken = claimed.contains { seat in
                event.seatIndex(of: seat).map { Int(event.seatMap.categoryOfSeat[$0]) == index } ?? false
            }
            if taken {
                throw .eventStateConflict(
                    event.id, "Seats of \"\(category.name)\" are held or sold, so its price stays \(event.details.currency.format(category.priceMinor)): customers keep the price they were shown."
                )
            }
            event.categories[index].priceMinor = price
        }
        for (index, pool) in event.gaPools.enumerated() {
            guard let price = pools[pool.id], price != pool.priceMinor else { continue }
            if let count = counts[pool.id], count.held + count.sold > 0 {
                throw .eventStateConflict(
                    event.id, "Tickets of \"\(pool.name)\" are held or sold, so its price stays \(event.details.currency.format(pool.priceMinor)): customers keep the price they were shown."
                )
            }
            event.gaPools[index].priceMinor = price
        }
        return event
    }
}
