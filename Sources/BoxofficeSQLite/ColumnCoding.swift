import BoxofficeDomain
import Foundation
import SQLiteNIO

/// How domain values are written to and read from SQLite columns.
enum ColumnCoding {
    /// Milliseconds since 1970, the unit of every timestamp column.
    static func millis(_ date: Date) -> SQLiteData { .integer(SQLiteInt64((date.timeIntervalSince1970 * 1000).rounded())) }

    /// Any integer as a column value.
    static func int(_ value: some BinaryInteger) -> SQLiteData { .integer(SQLiteInt64(value)) }

    /// Reads a millisecond timestamp.
    static func date(_ data: SQLiteData?) -> Date {
        Date(timeIntervalSince1970: Double(data?.integer ?? 0) / 1000)
    }

    /// Seat ids as comma-separated text.
    static func seats(_ seats: [SeatID]) -> SQLiteData { .text(seats.map(\.description).joined(separator: ",")) }

    /// Reads comma-separated seat ids.
    static func seats(_ data: SQLiteData?) -> [SeatID] {
        (data?.string ?? "").split(separator: ",").compactMap { Int64($0).map(SeatID.init(rawValue:)) }
    }

    /// GA tickets as `pool:quantity` pairs separated by commas.
    static func tickets(_ tickets: [TicketQuantity]) -> SQLiteData {
        .text(tickets.map { "\($0.poolID):\($0.quantity)" }.joined(separator: ","))
    }

    /// Reads `pool:quantity` pairs.
    static func tickets(_ data: SQLiteData?) -> [TicketQuantity] {
        (data?.string ?? "").split(separator: ",").compactMap { pair in
            let parts = pair.split(separator: ":")
            guard parts.count == 2, let pool = Int64(parts[0]), let quantity = Int(parts[1]) else { return nil }
            return TicketQuantity(poolID: PoolID(rawValue: pool), quantity: quantity)
        }
    }

    /// `?, ?, …` for an IN list of `count` values.
    static func placeholders(_ count: Int) -> String {
        Array(repeating: "?", count: count).joined(separator: ", ")
    }
}
