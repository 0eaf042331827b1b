import BoxofficeDomain
import BoxofficeEngine

/// `GET /api/events/{id}/seats`: the whole seat map with every seat's status, a few bytes per seat.
///
/// `version` counts this process's committed changes of the event; `epoch` names the process and the seat map's
/// version, so a client comparing versions (with the deltas of `/api/ws`) compares only versions of the same epoch, and
/// reads the map again when the organizer changed it.
///
/// Each row names its first seat id; the seat at position `i` of the row has id `first_seat_id + i`, number
/// `numbers[i]` (written as ranges, `"1-30"`), and status `status[i]`: `a` available, `h` held, `s` sold.
/// A row whose seats share one price category names it in `category`; a mixed row gives `categories`, one
/// base-36 digit per seat indexing the event's `categories`.
struct SeatMapBody: Encodable {
    struct Section: Encodable {
        let name: String
        let rows: [Row]
        /// The rank its organizer gave its front row; absent for the default.
        let rank: Int?
    }

    struct Row: Encodable {
        let label: String
        let firstSeatId: Int64
        let numbers: String
        let category: String?
        let categories: String?
        let status: String
        /// The numbers of its accessible seats, like `"1-2"`; absent when it has none.
        let accessible: String?
        /// The rank its organizer gave it; absent for its place in its section.
        let rank: Int?
    }

    let eventId: Int64
    let epoch: String
    let version: UInt64
    let seatsTotal: Int
    let seatsAvailable: Int
    let categories: [CategoryBody]
    let sections: [Section]
    let gaPools: [PoolBody]

    init(_ snapshot: InventorySnapshot, epoch: String) {
        let event = snapshot.event
        eventId = event.id.rawValue
        self.epoch = SeatMapEpoch.of(epoch, layoutVersion: event.layoutVersion)
        version = snapshot.version
        seatsTotal = event.seatMap.seatCount
        seatsAvailable = snapshot.availableSeats
        categories = event.categories.map(CategoryBody.init)
        gaPools = event.gaPools.map { PoolBody($0, counts: snapshot.pools[$0.id]) }
        let accessible = Set(event.seatMap.accessible)
        sections = event.seatMap.sections.map { section in
            Section(name: section.name, rows: section.rows.map { Self.row($0, of: event, seats: snapshot.seats, accessible: accessible) }, rank: section.rank)
        }
    }

    private static let statusLetters: [UInt8] = [UInt8(ascii: "a"), UInt8(ascii: "h"), UInt8(ascii: "s")]
    private static let digits = Array("0123456789abcdefghijklmnopqrstuvwxyz".utf8)

    private static func row(_ row: SeatMap.Row, of event: Event, seats: [SeatStatus], accessible: Set<Int>) -> Row {
        let indexes = row.indexes
        let status = String(decoding: indexes.map { statusLetters[Int(seats[$0].rawValue)] }, as: UTF8.self)
        let categoryIndexes = event.seatMap.categoryOfSeat[indexes]
        let first = categoryIndexes.first ?? 0
        let uniform = categoryIndexes.allSatisfy { $0 == first }
        let accessibleNumbers = accessible.isEmpty ? [] : row.indexes.filter(accessible.contains).map { row.numbers[$0 - row.firstIndex] }
        return Row(
            label: row.label,
            firstSeatId: event.seatID(at: row.firstIndex).rawValue,
            numbers: ranges(row.numbers),
            category: uniform ? event.categories[Int(first)].key : nil,
            categories: uniform ? nil : String(decoding: categoryIndexes.map { digits[Int($0)] }, as: UTF8.self),
            status: status,
            accessible: accessibleNumbers.isEmpty ? nil : ranges(accessibleNumbers),
            rank: row.rank
        )
    }

    /// `[1, 2, 3, 5, 7, 8]` → `"1-3,5,7-8"`.
    static func ranges(_ numbers: [Int32]) -> String {
        var parts: [String] = []
        var index = 0
        while index < numbers.count {
            var end = index
            while end + 1 < numbers.count, numbers[end + 1] == numbers[end] + 1 { end += 1 }
            parts.append(end == index ? "\(numbers[index])" : "\(numbers[index])-\(numbers[end])")
            index = end + 1
        }
        return parts.joined(separator: ",")
    }
}
