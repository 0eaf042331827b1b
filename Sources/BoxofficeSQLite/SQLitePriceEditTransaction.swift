import BoxofficeDomain
import BoxofficeStorage
import Foundation
import SQLiteNIO

/// One price edit's steps on the SQLite writer, inside its transaction (the writer is alone: no lock to take).
struct SQLitePriceEditTransaction: PriceEditTransaction {
    let connection: SQLiteConnection

    func lockEvent(_ event: EventID) async throws {}

    func storedPrices(of event: Event) async throws -> Event {
        let id = ColumnCoding.int(event.id.rawValue)
        guard let row = try await connection.query("SELECT * FROM events WHERE id = ?", [id]).first else { return event }
        let stored = row.column("category_prices")?.string
        var pools: [PoolID: Int64] = [:]
        for pool in try await connection.query("SELECT id, price_minor FROM ga_pools WHERE event_id = ?", [id]) {
            pools[PoolID(rawValue: Int64(pool.column("id")?.integer ?? 0))] = Int64(pool.column("price_minor")?.integer ?? 0)
        }
        return StoredPrices.apply(stored, pools: pools, to: try SQLiteBookingStore.currentLayout(of: event, row: row))
    }

    func claimedSeats(of event: Event) async throws -> Set<SeatID> {
        try await SQLiteBookingStore.claimedSeats(of: event, on: connection)
    }

    func poolCounts(of event: EventID) async throws -> [PoolID: PoolCounts] {
        var counts: [PoolID: PoolCounts] = [:]
        for row in try await connection.query("SELECT id, capacity, held, sold FROM ga_pools WHERE event_id = ?", [ColumnCoding.int(event.rawValue)]) {
            counts[PoolID(rawValue: Int64(row.column("id")?.integer ?? 0))] = PoolCounts(
                capacity: row.column("capacity")?.integer ?? 0, held: row.column("held")?.integer ?? 0, sold: row.column("sold")?.integer ?? 0
            )
        }
        return counts
    }

    func writePrices(of event: Event) async throws {
        _ = try await connection.query(
            "UPDATE events SET category_prices = ? WHERE id = ?", [.text(try StoredPrices.encode(event.categories)), ColumnCoding.int(event.id.rawValue)]
        )
        for pool in event.gaPools {
            _ = try await connection.query("UPDATE ga_pools SET price_minor = ? WHERE id = ?", [ColumnCoding.int(pool.priceMinor), ColumnCoding.int(pool.id.rawValue)])
        }
    }
}

extension SQLiteBookingStore {
    public func reprice(_ event: Event, _ edit: PriceEdit) async throws -> Event {
        try await database.write { connection in
            try await PriceEditApplier.apply(edit, to: event, in: SQLitePriceEditTransaction(connection: connection))
        }
    }
}
