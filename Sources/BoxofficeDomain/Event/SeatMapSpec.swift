import Foundation

/// How an organizer describes a seat map: sections holding rows seat by seat, or compact blocks such as
/// "rows A–T × seats 1–30 in category `stalls`".
public struct SeatMapSpec: Sendable, Equatable {
    /// One section of the described map.
    public struct Section: Sendable, Equatable {
        /// The section's name.
        public var name: String
        /// The rows, in display order.
        public var rows: [RowSpec]

        /// Creates a section description.
        public init(name: String, rows: [RowSpec]) {
            self.name = name
            self.rows = rows
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
        case row(label: String, seats: [Seat])
        /// Several rows of equal seats: `rows` like "A-T" or "1-12", `seats` like "1-30" or "1-10,12-20".
        case block(rows: String, seats: String, category: String)
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
            sections.append(SeatMap.Section(name: name, rows: try builder.rows(of: section)))
        }
        return SeatMap(sections: sections, categoryOfSeat: builder.categoryOfSeat)
    }

    /// Accumulates seats while the rows are checked.
    private struct Builder {
        let categoryIndex: [String: UInt8]
        var categoryOfSeat: [UInt8] = []

        mutating func rows(of section: Section) throws(DomainError) -> [SeatMap.Row] {
            var labels = Set<String>()
            var rows: [SeatMap.Row] = []
            for spec in section.rows {
                for (label, seats) in try Self.expand(spec) {
                    guard labels.insert(label).inserted else {
                        throw .invalid("Row \"\(label)\" appears twice in section \"\(section.name)\".")
                    }
                    rows.append(try row(label: label, seats: seats, section: section.name))
                }
            }
            return rows
        }

        private mutating func row(label: String, seats: [Seat], section: String) throws(DomainError) -> SeatMap.Row {
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
            return SeatMap.Row(label: label, firstIndex: firstIndex, numbers: seats.map { Int32($0.number) })
        }

        private static func expand(_ spec: RowSpec) throws(DomainError) -> [(String, [Seat])] {
            switch spec {
            case .row(let label, let seats):
                return [(try TextRules.required(label, field: "row label"), seats)]
            case .block(let rows, let seats, let category):
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
