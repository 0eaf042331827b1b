import BoxofficeDomain
import BoxofficeMessaging
import Foundation
import PostgresNIO

extension PostgresBookingStore: PostgresServiceStore {
    public func recordProcessed(_ message: UUID) async throws -> Bool {
        try await Deadline.run(within: timeout) { [self] in
            try await client.withTransaction(logger: logger) { connection in
                !(try await PostgresMessageTables.record([message], connection: connection, logger: logger)).isEmpty
            }
        }
    }

    public func resolveUnsettled(_ booking: BookingID, paymentSucceeded: Bool, message: UUID, at: Date) async throws -> RefundDecision {
        let decision = try await Deadline.run(within: timeout) { [self] in
            try await client.withTransaction(logger: logger) { connection -> RefundDecision in
                var found: String?
                for try await status in try await connection.query(
                    "SELECT status FROM bookings WHERE id = \(booking.rawValue) FOR UPDATE", logger: logger
                ).decode(String.self) {
                    found = status
                }
                guard let status = found.flatMap(BookingStatus.init(rawValue:)) else { return .unknownBooking }
                if status == .paymentPending || status == .held { return .stillPending }
                guard try await PostgresMessageTables.record([message], connection: connection, logger: logger).count == 1 else { return .duplicate }
                guard paymentSucceeded, status != .confirmed, status != .refunded else { return .nothingToDo }
                try await connection.query("UPDATE bookings SET status = 'refunded', updated_at = \(at) WHERE id = \(booking.rawValue)", logger: logger)
                try await PostgresMessageTables.append([try Message(RefundRequested(bookingId: booking.rawValue), at: at)], connection: connection, logger: logger)
                try await PostgresBackOfficeTables.append([.lateRefund(booking, was: status, at: at)], connection: connection, logger: logger)
                return .refundRequested
            }
        }
        if decision == .refundRequested { outboxWakeup.ring() }
        return decision
    }
}
