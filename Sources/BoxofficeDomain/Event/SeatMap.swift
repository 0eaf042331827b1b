/// The seats of one event: sections of rows of numbered seats, each seat in a price category.
///
/// Seats are addressed by their *index* within the event (0 ..< ``seatCount``); an event adds its first
/// seat id to turn an index into a ``SeatID``. Rows cover consecutive indexes, so the whole map costs a few
/// bytes per seat.
public struct SeatMap: Hashable, Sendable {
    /// A named part of the hall, such as "Stalls" or "Balcony".
    public struct Section: Hashable, Sendable {
        /// The section's name, unique within the map.
        public var name: String
        /// The rows, in display order, the first nearest the stage.
        public var rows: [Row]
        /// The rank of its front row on the event-wide scale (lower is better); nil for 0.
        public var rank: Int?

        /// Creates a section.
        public init(name: String, rows: [Row], rank: Int? = nil) {
            self.name = name
            self.rows = rows
            self.rank = rank
        }
    }

    /// A row of seats with consecutive indexes.
    public struct Row: Hashable, Sendable {
        /// The row's label, such as "A" or "12", unique within its section.
        public var label: String
        /// The index of the row's first seat within the event.
        public var firstIndex: Int
        /// The seat numbers as printed on the tickets, in display order.
        public var numbers: [Int32]
        /// How good the row is on the event-wide scale (lower is better), set by the organizer; nil for its
        /// section's rank plus its place from the front.
        public var rank: Int?

        /// Creates a row.
        public init(label: String, firstIndex: Int, numbers: [Int32], rank: Int? = nil) {
            self.label = label
            self.firstIndex = firstIndex
            self.numbers = numbers
            self.rank = rank
        }

        /// The event-wide indexes of this row's seats.
        public var indexes: Range<Int> { firstIndex ..< firstIndex + numbers.count }
    }

    /// The sections, in display order.
    public var sections: [Section]
    /// For every seat index, the index of its price category in the event's category list.
    public var categoryOfSeat: [UInt8]
    /// The indexes of the accessible seats, ascending: best available gives them only to requests that ask for
    /// them, or last.
    public var accessible: [Int]

    /// Creates a map; `categoryOfSeat` must have one entry per seat of the rows.
    public init(sections: [Section], categoryOfSeat: [UInt8], accessible: [Int] = []) {
        self.sections = sections
        self.categoryOfSeat = categoryOfSeat
        self.accessible = accessible
    }

    /// A map without seats, for GA-only events.
    public static let empty = SeatMap(sections: [], categoryOfSeat: [])

    /// How many seats the map has.
    public var seatCount: Int { categoryOfSeat.count }

    /// Whether seats (by index) are side by side in one row.
    public func together(_ indexes: [Int]) -> Bool {
        let sorted = indexes.sorted()
        guard let first = sorted.first, let last = sorted.last else { return true }
        guard let row = sections.lazy.flatMap(\.rows).first(where: { $0.indexes.contains(first) }) else { return false }
        return row.indexes.contains(last) && zip(sorted, sorted.dropFirst()).allSatisfy { $1 == $0 + 1 }
    }
}
