import BoxofficeDomain
import BoxofficeStorage
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
    static func seats(_ seats: [SeatID]) -> SQLiteData { .text(BookingText.seats(seats)) }

    /// Reads comma-separated seat ids.
    static func seats(_ data: SQLiteData?) -> [SeatID] { BookingText.seats(data?.string ?? "") }

    /// GA tickets as `pool:quantity` pairs separated by commas.
    static func tickets(_ tickets: [TicketQuantity]) -> SQLiteData { .text(BookingText.tickets(tickets)) }

    /// Reads `pool:quantity` pairs.
    static func tickets(_ data: SQLiteData?) -> [TicketQuantity] { BookingText.tickets(data?.string ?? "") }

    /// `?, ?, …` for an IN list of `count` values.
    static func placeholders(_ count: Int) -> String {
        Array(repeating: "?", count: count).joined(separator: ", ")
    }
}
