import Foundation

/// Identifies an event. Integer ids keep URLs short (`/api/events/1`), as in the seed.
public struct EventID: RawRepresentable, Hashable, Comparable, Sendable, CustomStringConvertible {
    /// The stored integer.
    public let rawValue: Int64
    /// Wraps a stored integer.
    public init(rawValue: Int64) { self.rawValue = rawValue }
    public static func < (lhs: Self, rhs: Self) -> Bool { lhs.rawValue < rhs.rawValue }
    public var description: String { String(rawValue) }
}

/// Identifies a seat across all events, so a seat id alone names its event (`POST /api/book/safe`).
///
/// The seats of one event have consecutive ids, which lets the seat map name a whole row by its first id.
public struct SeatID: RawRepresentable, Hashable, Comparable, Sendable, CustomStringConvertible {
    /// The stored integer.
    public let rawValue: Int64
    /// Wraps a stored integer.
    public init(rawValue: Int64) { self.rawValue = rawValue }
    public static func < (lhs: Self, rhs: Self) -> Bool { lhs.rawValue < rhs.rawValue }
    public var description: String { String(rawValue) }
}

/// Identifies a general-admission pool across all events.
public struct PoolID: RawRepresentable, Hashable, Comparable, Sendable, CustomStringConvertible {
    /// The stored integer.
    public let rawValue: Int64
    /// Wraps a stored integer.
    public init(rawValue: Int64) { self.rawValue = rawValue }
    public static func < (lhs: Self, rhs: Self) -> Bool { lhs.rawValue < rhs.rawValue }
    public var description: String { String(rawValue) }
}

/// Identifies a booking. Random, so knowing one booking's id reveals nothing of another's.
public struct BookingID: RawRepresentable, Hashable, Sendable, CustomStringConvertible {
    /// The underlying UUID.
    public let rawValue: UUID
    /// Wraps a UUID.
    public init(rawValue: UUID) { self.rawValue = rawValue }
    /// A new random booking id.
    public static func random() -> BookingID { BookingID(rawValue: UUID()) }
    /// Parses the lowercase or uppercase textual form of a UUID (`8-4-4-4-12` hex digits), byte by byte: every ticket
    /// scanned and every booking read names one.
    public init?(_ text: some StringProtocol) {
        var bytes = [UInt8](repeating: 0, count: 16)
        var count = 0
        var high: UInt8?
        var position = 0
        for character in text.utf8 {
            defer { position += 1 }
            if position == 8 || position == 13 || position == 18 || position == 23 {
                guard character == UInt8(ascii: "-") else { return nil }
                continue
            }
            let value: UInt8
            switch character {
            case UInt8(ascii: "0") ... UInt8(ascii: "9"): value = character - UInt8(ascii: "0")
            case UInt8(ascii: "a") ... UInt8(ascii: "f"): value = character - UInt8(ascii: "a") + 10
            case UInt8(ascii: "A") ... UInt8(ascii: "F"): value = character - UInt8(ascii: "A") + 10
            default: return nil
            }
            guard count < 16 else { return nil }
            if let first = high {
                bytes[count] = first << 4 | value
                count += 1
                high = nil
            } else {
                high = value
            }
        }
        guard position == 36, count == 16 else { return nil }
        rawValue = UUID(uuid: (
            bytes[0], bytes[1], bytes[2], bytes[3], bytes[4], bytes[5], bytes[6], bytes[7],
            bytes[8], bytes[9], bytes[10], bytes[11], bytes[12], bytes[13], bytes[14], bytes[15]
        ))
    }

    /// The lowercase textual form used in the API and the database, written byte by byte.
    public var description: String {
        let digits: StaticString = "0123456789abcdef"
        return withUnsafeBytes(of: rawValue.uuid) { bytes in
            digits.withUTF8Buffer { table in
                String(unsafeUninitializedCapacity: 36) { output in
                    var written = 0
                    for (index, byte) in bytes.enumerated() {
                        if index == 4 || index == 6 || index == 8 || index == 10 {
                            output[written] = UInt8(ascii: "-")
                            written += 1
                        }
                        output[written] = table[Int(byte >> 4)]
                        output[written + 1] = table[Int(byte & 0x0F)]
                        written += 2
                    }
                    return written
                }
            }
        }
    }
}
