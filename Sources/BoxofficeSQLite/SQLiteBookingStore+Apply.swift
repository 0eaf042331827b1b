import BoxofficeDomain
import BoxofficeMessaging
import BoxofficeStorage

extension SQLiteBookingStore {
    public func apply(_ changes: [InventoryChange], event: EventID) async throws -> [Bool] {
        let applied = try await database.write { connection in
            try await BatchApplier.apply(changes, event: event, in: SQLiteInventoryTransaction(connection: connection))
        }
        if BatchApplier.writesOutbox(changes) { outboxWakeup.ring() }
        return applied
    }
}
