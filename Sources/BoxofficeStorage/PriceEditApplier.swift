import BoxofficeDomain
import Foundation

/// The steps of one price edit, in each backend's SQL, inside one transaction; ``PriceEditApplier`` runs them.
public protocol PriceEditTransaction {
    /// Takes the event's write lock until commit (the lock its batches take), and tells the other processes sharing the
    /// database, at commit, that the event changed.
    func lockEvent(_ event: EventID) async throws
    /// The event with the seat map and prices stored now (another process may have changed them since `event` was read).
    func storedPrices(of event: Event) async throws -> Event
    /// The event's seats held or sold.
    func claimedSeats(of event: Event) async throws -> Set<SeatID>
    /// The event's pools' counters.
    func poolCounts(of event: EventID) async throws -> [PoolID: PoolCounts]
    /// Writes the event's categories' and pools' prices.
    func writePrices(of event: Event) async throws
}

/// How prices are changed, the same on every backend: under the event's write lock, so no batch writes a hold in
/// between, each changed category or pool must have nothing held or sold (``PriceEdit``).
public enum PriceEditApplier {
    /// Applies `edit` to `event`. - Returns: the event with its new prices.
    /// - Throws: ``DomainError`` when the edit names what the event lacks, or changes what is held or sold; nothing is written then.
    public static func apply(_ edit: PriceEdit, to event: Event, in transaction: some PriceEditTransaction) async throws -> Event {
        try edit.check(against: event)
        try await transaction.lockEvent(event.id)
        let current = try await transaction.storedPrices(of: event)
        let repriced = try edit.applied(to: current, claimed: try await transaction.claimedSeats(of: current), counts: try await transaction.poolCounts(of: event.id))
        try await transaction.writePrices(of: repriced)
        return repriced
    }
}

/// Categories' prices changed after the event was made, kept beside its layout (which never changes) as JSON
/// `{"key": price}`.
public enum StoredPrices {
    /// The JSON of the categories' prices.
    public static func encode(_ categories: [PriceCategory]) throws -> String {
        let prices = Dictionary(uniqueKeysWithValues: categories.map { ($0.key, $0.priceMinor) })
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        return String(decoding: try encoder.encode(prices), as: UTF8.self)
    }

    /// `categories` with the prices `text` stores (none stored: as they are).
    public static func apply(_ text: String?, to categories: [PriceCategory]) -> [PriceCategory] {
        guard let text, let prices = try? JSONDecoder().decode([String: Int64].self, from: Data(text.utf8)) else { return categories }
        return categories.map { category in
            var category = category
            category.priceMinor = prices[category.key] ?? category.priceMinor
            return category
        }
    }

    /// `event` with its categories' stored prices and its pools' `prices`.
    public static func apply(_ text: String?, pools prices: [PoolID: Int64], to event: Event) -> Event {
        var event = event
        event.categories = apply(text, to: event.categories)
        event.gaPools = event.gaPools.map { pool in
            var pool = pool
            pool.priceMinor = prices[pool.id] ?? pool.priceMinor
            return pool
        }
        return event
    }
}
