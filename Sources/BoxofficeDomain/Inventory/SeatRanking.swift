import Foundation

/// How good every seat of an event is, and the rows they sit in, as best available sees them: fixed for the event,
/// built once from its seat map.
///
/// A seat's score is its distance to the focal point of its section, the front centre nearest the stage, in rows:
/// `hypot(rowRank, lateralWeight × seats from the row's centre)`. A row's rank is its section's rank (0 unless the
/// organizer sets one) plus its place from the front, or the rank the organizer gives the row; so one event-wide
/// scale lets a balcony's front row (section rank 12) beat the stalls' back rows. Lower is better.
public final class SeatRanking: Sendable {
    /// A row as the allocator sees it.
    struct Row: Sendable {
        /// The index of its section.
        let section: Int
        /// The event-wide index of its first seat.
        let firstIndex: Int
        /// How many seats it has.
        let count: Int
        /// Its seats' only price category, or nil when they are in several.
        let category: UInt8?
        /// Whether one of its seats is accessible.
        let hasAccessible: Bool
        /// Its label, for messages.
        let label: String
        /// Its seat numbers, for messages.
        let numbers: [Int32]
        /// Its rank: no seat of it scores less.
        let rank: Double
    }

    /// How much a seat to the side counts against a row back: a seat is about half as wide as a row is deep.
    static let lateralWeight = 0.5

    /// Every row, in seat-index order.
    let rows: [Row]
    /// The indexes of ``rows`` from the best rank to the worst (then in seat-index order): a search that has found a
    /// group scoring less than `quantity × rank` of a row can stop there.
    let byRank: [Int]
    /// Every seat's score.
    let score: [Float]
    /// Every seat's accessibility; empty when the event has no accessible seat.
    let accessible: [Bool]
    /// The sections' names.
    let sectionNames: [String]
    /// The seats' price categories.
    let categoryOfSeat: [UInt8]

    /// Ranks the seats of a map.
    public init(_ map: SeatMap) {
        var rows: [Row] = []
        var score = [Float](repeating: 0, count: map.seatCount)
        var accessible = [Bool](repeating: false, count: map.accessible.isEmpty ? 0 : map.seatCount)
        for index in map.accessible { accessible[index] = true }
        for (sectionIndex, section) in map.sections.enumerated() {
            for (place, row) in section.rows.enumerated() {
                let rank = Double(row.rank ?? (section.rank ?? 0) + place)
                let centre = Double(row.numbers.count - 1) / 2
                for position in 0 ..< row.numbers.count {
                    score[row.firstIndex + position] = Float(hypot(rank, Self.lateralWeight * abs(Double(position) - centre)))
                }
                let categories = Set(row.indexes.map { map.categoryOfSeat[$0] })
                rows.append(
                    Row(
                        section: sectionIndex, firstIndex: row.firstIndex, count: row.numbers.count, category: categories.count == 1 ? categories.first : nil,
                        hasAccessible: !accessible.isEmpty && row.indexes.contains { accessible[$0] }, label: row.label,
                        numbers: row.numbers, rank: rank
                    )
                )
            }
        }
        rows.sort { $0.firstIndex < $1.firstIndex }
        self.rows = rows
        self.byRank = rows.indices.sorted { (rows[$0].rank, $0) < (rows[$1].rank, $1) }
        self.score = score
        self.accessible = accessible
        self.sectionNames = map.sections.map(\.name)
        self.categoryOfSeat = map.categoryOfSeat
    }

    /// The index in ``rows`` of the row a seat is in.
    func row(of index: Int) -> Int {
        var low = 0
        var high = rows.count - 1
        while low < high {
            let middle = (low + high + 1) / 2
            if rows[middle].firstIndex <= index { low = middle } else { high = middle - 1 }
        }
        return low
    }

    /// A seat's score: its distance to its section's focal point (lower is better).
    public func score(ofSeat index: Int) -> Float { score[index] }

    /// A seat as people name it: "Stalls row C seat 12".
    func label(of index: Int) -> String {
        let row = rows[self.row(of: index)]
        return "\(sectionNames[row.section]) row \(row.label) seat \(row.numbers[index - row.firstIndex])"
    }

    /// Whether a seat is accessible.
    func isAccessible(_ index: Int) -> Bool { !accessible.isEmpty && accessible[index] }

    /// The sum of the scores of `count` seats from `first`.
    func score(from first: Int, count: Int) -> Float {
        var total: Float = 0
        for index in first ..< first + count { total += score[index] }
        return total
    }
}
