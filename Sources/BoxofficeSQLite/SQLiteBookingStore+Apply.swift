import BoxofficeDomain
import BoxofficeMessaging
import BoxofficeStorage
import Foundation

extension SQLiteBookingStore {
    public func apply(_ changes: [InventoryChange], event: EventID) async throws -> [Bool] {
        let applied = try await database.write { connection in
            try await BatchApplier.apply(changes, event: event, in: SQLiteInventoryTransaction(connection: connection))
        }
        if BatchApplier.writesOutbox(changes) { outboxWakeup.ring() }
        return applied
    }

    public func requestPaymentsAgain(waitingSince cutoff: Date, at: Date, limit: Int) async throws -> [BookingID] {
        let asked = try await database.write { connection in
            try await BatchApplier.requestPaymentsAgain(waitingSince: cutoff, at: at, limit: limit, in: SQLiteInventoryTransaction(connection: connection))
        }
        if !asked.isEmpty { outboxWakeup.ring() }
        return asked
    }
}
