import Foundation

/// How the doors of an event stand: tickets checked in, in all and per gate, against the tickets sold.
public struct CheckinProgress: Sendable, Hashable {
    /// The event.
    public var eventID: EventID
    /// Tickets sold (confirmed bookings' seats and GA tickets).
    public var expected: Int
    /// Tickets admitted, by gate name.
    public var gates: [String: Int]
    /// When the counts were read.
    public var at: Date

    /// Creates a report.
    public init(eventID: EventID, expected: Int, gates: [String: Int], at: Date) {
        self.eventID = eventID
        self.expected = expected
        self.gates = gates
        self.at = at
    }

    /// Tickets admitted at all gates.
    public var checkedIn: Int { gates.values.reduce(0, +) }
}
