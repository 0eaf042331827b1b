import BoxofficeDomain
import BoxofficeMessaging
import Foundation
import SQLiteNIO

extension SQLiteBookingStore: SQLiteServiceStore {
    public func recordProcessed(_ message: UUID) async throws -> Bool {
        try await database.write { connection in
            !(try await SQLiteMessageTables.record([message], at: Date(), connection: connection)).isEmpty
        }
    }

    public func resolveUnsettled(_ booking: BookingID, paymentSucceeded: Bool, message: UUID, at: Date) async throws -> RefundDecision {
        let decision = try await database.write { connection -> RefundDecision in
            let rows = try await connection.query("SELECT status FROM bookings WHERE id = ?", [.text(booking.description)])
            guard let status = rows.first?.column("status")?.string.flatMap(BookingStatus.init(rawValue:)) else { return .unknownBooking }
            if status == .paymentPending || status == .held { return .stillPending }
            guard try await SQLiteMessageTables.record([message], at: at, connection: connection).count == 1 else { return .duplicate }
            guard paymentSucceeded, status != .confirmed, status != .refunded else { return .nothingToDo }
            _ = try await connection.query(
                "UPDATE bookings SET status = 'refunded', updated_at = ? WHERE id = ?", [ColumnCoding.millis(at), .text(booking.description)]
            )
            try await SQLiteMessageTables.append([try Message(RefundRequested(bookingId: booking.rawValue), at: at)], connection: connection)
            try await SQLiteBackOfficeTables.append([.lateRefund(booking, was: status, at: at)], connection: connection)
            return .refundRequested
        }
        if decision == .refundRequested { outboxWakeup.ring() }
        return decision
    }
}
