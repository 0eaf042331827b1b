import BoxofficeDomain
import BoxofficeMessaging
import BoxofficeStorage
import Foundation
import SQLiteNIO

extension SQLiteBookingStore {
    public func apply(_ changes: [InventoryChange], event: EventID, customerCap: Int?) async throws -> BatchResult {
        let applied = try await database.write { connection in
            try await BatchApplier.apply(changes, event: event, customerCap: customerCap, in: SQLiteInventoryTransaction(connection: connection))
        }
        if BatchApplier.writesOutbox(changes) { outboxWakeup.ring() }
        return applied
    }

    public func eventsWithOverdueHolds(before: Date) async throws -> Set<EventID> {
        let rows = try await database.read(BatchApplier.overdueHoldEvents.replacingOccurrences(of: "$1", with: "?"), [ColumnCoding.millis(before)])
        return Set(rows.compactMap { $0.column("event_id")?.integer.map { EventID(rawValue: Int64($0)) } })
    }

    public func removeOrphanClaims() async throws -> Set<EventID> {
        let rows = try await database.write { connection in
            try await connection.query(BatchApplier.orphanClaimsCleanup + " RETURNING event_id")
        }
        return Set(rows.compactMap { $0.column("event_id")?.integer.map { EventID(rawValue: Int64($0)) } })
    }

    public func requestPaymentsAgain(waitingSince cutoff: Date, at: Date, limit: Int) async throws -> [BookingID] {
        let asked = try await database.write { connection in
            try await BatchApplier.requestPaymentsAgain(waitingSince: cutoff, at: at, limit: limit, in: SQLiteInventoryTransaction(connection: connection))
        }
        if !asked.isEmpty { outboxWakeup.ring() }
        return asked
    }
}
