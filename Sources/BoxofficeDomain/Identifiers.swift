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
    /// Parses the lowercase or uppercase textual form of a UUID.
    public init?(_ text: some StringProtocol) {
        guard let uuid = UUID(uuidString: String(text)) else { return nil }
        self.rawValue = uuid
    }
    /// The lowercase textual form used in the API and the database.
    public var description: String { rawValue.uuidString.lowercased() }
}
