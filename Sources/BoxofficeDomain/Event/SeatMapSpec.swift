import Foundation

/// How an organizer describes a seat map: sections holding rows seat by seat, or compact blocks such as
/// "rows A–T × seats 1–30 in category `stalls`".
public struct SeatMapSpec: Sendable, Equatable {
    /// One section of the described map.
    public struct Section: Sendable, Equatable {
        /// The section's name.
        public var name: String
        /// The rows, in display order, the first nearest the stage.
        public var rows: [RowSpec]
        /// How good the section's front row is, on the event-wide scale of row ranks (lower is better; 0 by
        /// default, each row behind one more); see ``SeatMap/Row/rank``.
        public var rank: Int?

        /// Creates a section description.
        public init(name: String, rows: [RowSpec], rank: Int? = nil) {
            self.name = name
            self.rows = rows
            self.rank = rank
        }
    }

    /// What a row may say beyond its seats.
    public struct RowOptions: Sendable, Equatable {
        /// The row's rank, overriding the one its place in the section gives it; for a block, its first row's (each
        /// row behind it one more).
        public var rank: Int?
        /// The numbers of its accessible seats, like "1-2,29-30".
        public var accessible: String?

        /// Creates options.
        public init(rank: Int? = nil, accessible: String? = nil) {
            self.rank = rank
            self.accessible = accessible
        }
    }

    /// One seat of a row described seat by seat.
    public struct Seat: Sendable, Equatable {
        /// The printed seat number.
        public var number: Int
        /// The key of the seat's price category.
        public var category: String

        /// Creates a seat description.
        public init(number: Int, category: String) {
            self.number = number
            self.category = category
        }
    }

    /// Rows given either seat by seat or as a compact block.
    public enum RowSpec: Sendable, Equatable {
        /// One row, every seat listed with its own category.
        case row(label: String, seats: [Seat], options: RowOptions = RowOptions())
        /// Several rows of equal seats: `rows` like "A-T" or "1-12", `seats` like "1-30" or "1-10,12-20".
        case block(rows: String, seats: String, category: String, options: RowOptions = RowOptions())
    }

    /// The sections, in display order.
    public var sections: [Section]

    /// Creates a description.
    public init(sections: [Section]) {
        self.sections = sections
    }

    /// The most seats one event may have.
    public static let maxSeats = 200_000

    /// Turns the description into a ``SeatMap``, checking every rule.
    /// - Parameter categories: the event's price categories; seats name them by key.
    /// - Throws: ``DomainError/invalid(_:)`` naming the first broken rule.
    public func build(categories: [PriceCategory]) throws(DomainError) -> SeatMap {
        var categoryIndex: [String: UInt8] = [:]
        for (index, category) in categories.enumerated() { categoryIndex[category.key] = UInt8(index) }

        var builder = Builder(categoryIndex: categoryIndex)
        var sectionNames = Set<String>()
        var sections: [SeatMap.Section] = []
        for section in self.sections {
            let name = try TextRules.required(section.name, field: "section name")
            guard sectionNames.insert(name).inserted else {
                throw .invalid("Section \"\(name)\" appears twice in the seat map.")
            }
            try Self.checkRank(section.rank, of: "section \"\(name)\"")
            sections.append(SeatMap.Section(name: name, rows: try builder.rows(of: section), rank: section.rank))
        }
        return SeatMap(sections: sections, categoryOfSeat: builder.categoryOfSeat, accessible: builder.accessible)
    }

    /// The highest rank a section or row may have.
    public static let maxRank = 100_000

    private static func checkRank(_ rank: Int?, of what: String) throws(DomainError) {
        guard let rank else { return }
        guard (0 ... maxRank).contains(rank) else { throw .invalid("The rank of \(what) must be between 0 and \(maxRank).") }
    }

    /// Accumulates seats while the rows are checked.
    private struct Builder {
        let categoryIndex: [String: UInt8]
        var categoryOfSeat: [UInt8] = []
        var accessible: [Int] = []

        mutating func rows(of section: Section) throws(DomainError) -> [SeatMap.Row] {
            var labels = Set<String>()
            var rows: [SeatMap.Row] = []
            for spec in section.rows {
                let options = Self.options(of: spec)
                var accessibleNumbers = Set<Int>()
                if let text = options.accessible { accessibleNumbers = Set(try LabelRange.numbers(text, field: "accessible")) }
                for (place, (label, seats)) in try Self.expand(spec).enumerated() {
                    guard labels.insert(label).inserted else {
                        throw .invalid("Row \"\(label)\" appears twice in section \"\(section.name)\".")
                    }
                    // A block's rank is its first row's; each row behind it one more.
                    let rank = options.rank.map { $0 + place }
                    try SeatMapSpec.checkRank(rank, of: "row \"\(label)\" in section \"\(section.name)\"")
                    let row = try row(label: label, seats: seats, section: section.name, rank: rank)
                    let numbers = Set(row.numbers.map(Int.init))
                    if let missing = accessibleNumbers.subtracting(numbers).min() {
                        throw .invalid("Accessible seat \(missing) is not a seat of row \"\(label)\" in section \"\(section.name)\".")
                    }
                    accessible += row.indexes.filter { accessibleNumbers.contains(Int(row.numbers[$0 - row.firstIndex])) }
                    rows.append(row)
                }
            }
            return rows
        }

        private static func options(of spec: RowSpec) -> RowOptions {
            switch spec {
            case .row(_, _, let options), .block(_, _, _, let options): options
            }
        }

        private mutating func row(label: String, seats: [Seat], section: String, rank: Int?) throws(DomainError) -> SeatMap.Row {
            guard !seats.isEmpty else { throw .invalid("Row \"\(label)\" in section \"\(section)\" has no seats.") }
            var numbers = Set<Int>()
            let firstIndex = categoryOfSeat.count
            for seat in seats {
                guard seat.number > 0, seat.number <= 100_000 else {
                    throw .invalid("Seat number \(seat.number) in row \"\(label)\" must be between 1 and 100000.")
                }
                guard numbers.insert(seat.number).inserted else {
                    throw .invalid("Seat \(seat.number) appears twice in row \"\(label)\" of section \"\(section)\".")
                }
                guard let category = categoryIndex[seat.category] else {
                    throw .invalid("Seat \(seat.number) in row \"\(label)\" names unknown price category \"\(seat.category)\".")
                }
                categoryOfSeat.append(category)
                guard categoryOfSeat.count <= SeatMapSpec.maxSeats else {
                    throw .invalid("A seat map may have at most \(SeatMapSpec.maxSeats) seats.")
                }
            }
            return SeatMap.Row(label: label, firstIndex: firstIndex, numbers: seats.map { Int32($0.number) }, rank: rank)
        }

        private static func expand(_ spec: RowSpec) throws(DomainError) -> [(String, [Seat])] {
            switch spec {
            case .row(let label, let seats, _):
                return [(try TextRules.required(label, field: "row label"), seats)]
            case .block(let rows, let seats, let category, _):
                let labels = try LabelRange.labels(rows, field: "rows")
                let numbers = try LabelRange.numbers(seats, field: "seats")
                guard labels.count * numbers.count <= SeatMapSpec.maxSeats else {
                    throw .invalid("A seat map may have at most \(SeatMapSpec.maxSeats) seats.")
                }
                let rowSeats = numbers.map { Seat(number: $0, category: category) }
                return labels.map { ($0, rowSeats) }
            }
        }
    }
}
