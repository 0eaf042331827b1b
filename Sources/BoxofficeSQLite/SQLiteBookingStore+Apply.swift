import BoxofficeDomain
import BoxofficeStorage

extension SQLiteBookingStore {
    public func apply(_ changes: [InventoryChange], event: EventID) async throws -> [Bool] {
        try await database.write { connection in
            try await BatchApplier.apply(changes, event: event, in: SQLiteInventoryTransaction(connection: connection))
        }
    }
}
