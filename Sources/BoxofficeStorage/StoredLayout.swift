import BoxofficeDomain
import Foundation

/// The JSON form in which an event's price categories and seat map are kept in one column.
public struct StoredLayout: Codable, Sendable {
    struct Category: Codable {
        var key: String
        var name: String
        var priceMinor: Int64
    }

    struct Section: Codable {
        var name: String
        var rows: [Row]
        var rank: Int?
    }

    struct Row: Codable {
        var label: String
        var firstIndex: Int
        var numbers: [Int32]
        var rank: Int?
    }

    var categories: [Category]
    var sections: [Section]
    /// One byte per seat: the index of its category, base64-encoded.
    var categoryOfSeat: String
    /// The accessible seats' indexes (absent in layouts written before there were any).
    var accessible: [Int]?

    /// The layout of an event's categories and seat map.
    public init(categories: [PriceCategory], seatMap: SeatMap) {
        self.categories = categories.map { Category(key: $0.key, name: $0.name, priceMinor: $0.priceMinor) }
        self.sections = seatMap.sections.map { section in
            Section(name: section.name, rows: section.rows.map { Row(label: $0.label, firstIndex: $0.firstIndex, numbers: $0.numbers, rank: $0.rank) }, rank: section.rank)
        }
        self.categoryOfSeat = Data(seatMap.categoryOfSeat).base64EncodedString()
        self.accessible = seatMap.accessible.isEmpty ? nil : seatMap.accessible
    }

    /// The price categories.
    public var priceCategories: [PriceCategory] {
        categories.map { PriceCategory(key: $0.key, name: $0.name, priceMinor: $0.priceMinor) }
    }

    /// The seat map.
    public var seatMap: SeatMap {
        SeatMap(
            sections: sections.map { section in
                SeatMap.Section(name: section.name, rows: section.rows.map {
                    SeatMap.Row(label: $0.label, firstIndex: $0.firstIndex, numbers: $0.numbers, rank: $0.rank)
                }, rank: section.rank)
            },
            categoryOfSeat: [UInt8](Data(base64Encoded: categoryOfSeat) ?? Data()),
            accessible: accessible ?? []
        )
    }

    /// The JSON text.
    public func encoded() throws -> String {
        String(decoding: try JSONEncoder().encode(self), as: UTF8.self)
    }

    /// Reads JSON text.
    public static func decode(_ text: String) throws -> StoredLayout {
        try JSONDecoder().decode(StoredLayout.self, from: Data(text.utf8))
    }
}
