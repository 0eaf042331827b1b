import BoxofficeDomain
import BoxofficeStorage
import Foundation
import Logging
import PostgresNIO

/// One price edit's steps on one PostgreSQL connection, inside its transaction.
struct PostgresPriceEditTransaction: PriceEditTransaction {
    let connection: PostgresConnection
    let logger: Logger
    let store: PostgresBookingStore

    func lockEvent(_ event: EventID) async throws {
        try await store.lockAndAnnounce(event, connection: connection)
    }

    func storedPrices(of event: Event) async throws -> Event {
        // The seat map as stored too: which seats a category has may have changed on another instance a moment ago.
        try await PostgresPriceRows.stored(of: try await PostgresLayoutRows.current(of: event, on: connection, logger: logger), on: connection, logger: logger)
    }

    func claimedSeats(of event: Event) async throws -> Set<SeatID> {
        try await store.claimedSeats(of: event, on: connection)
    }

    func poolCounts(of event: EventID) async throws -> [PoolID: PoolCounts] {
        var counts: [PoolID: PoolCounts] = [:]
        for try await (id, capacity, held, sold) in try await connection.query(
            "SELECT id, capacity, held, sold FROM ga_pools WHERE event_id = \(event.rawValue)", logger: logger
        ).decode((Int64, Int, Int, Int).self) {
            counts[PoolID(rawValue: id)] = PoolCounts(capacity: capacity, held: held, sold: sold)
        }
        return counts
    }

    func writePrices(of event: Event) async throws {
        try await connection.query("UPDATE events SET category_prices = \(try StoredPrices.encode(event.categories)) WHERE id = \(event.id.rawValue)", logger: logger)
        guard !event.gaPools.isEmpty else { return }
        try await connection.query(
            """
            UPDATE ga_pools SET price_minor = p.price FROM UNNEST(\(event.gaPools.map(\.id.rawValue)), \(event.gaPools.map(\.priceMinor))) AS p(id, price)
            WHERE ga_pools.id = p.id
            """,
            logger: logger
        )
    }
}

/// An event's prices as stored: its categories' (changed after it was made) and its pools'.
enum PostgresPriceRows {
    /// `event` with the prices stored now.
    static func stored(of event: Event, on connection: PostgresConnection, logger: Logger) async throws -> Event {
        var stored: String?
        for try await text in try await connection.query("SELECT category_prices FROM events WHERE id = \(event.id.rawValue)", logger: logger).decode(String?.self) {
            stored = text
        }
        var pools: [PoolID: Int64] = [:]
        for try await (id, price) in try await connection.query(
            "SELECT id, price_minor FROM ga_pools WHERE event_id = \(event.id.rawValue)", logger: logger
        ).decode((Int64, Int64).self) {
            pools[PoolID(rawValue: id)] = price
        }
        return StoredPrices.apply(stored, pools: pools, to: event)
    }
}

extension PostgresBookingStore {
    public func reprice(_ event: Event, _ edit: PriceEdit) async throws -> Event {
        try await Deadline.run(within: timeout) { [self] in
            do {
                return try await client.withTransaction(logger: logger) { connection in
                    try await PriceEditApplier.apply(edit, to: event, in: PostgresPriceEditTransaction(connection: connection, logger: logger, store: self))
                }
            } catch let error as PostgresTransactionError {
                // A refusal rolled the transaction back: it is the refusal the caller hears, not the rollback.
                throw error.closureError ?? error
            }
        }
    }
}
