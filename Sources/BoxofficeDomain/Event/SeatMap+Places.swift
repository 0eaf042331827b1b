/// Where a seat is, as its ticket prints it.
public struct SeatPlace: Hashable, Sendable {
    /// The section's name.
    public var section: String
    /// The row's label.
    public var row: String
    /// The seat's number.
    public var number: Int32

    /// Creates a place.
    public init(section: String, row: String, number: Int32) {
        self.section = section
        self.row = row
        self.number = number
    }

    /// "Stalls row C seat 12".
    public var label: String { "\(section) row \(row) seat \(number)" }
}

extension SeatMap {
    /// Where the seat at an index is; nil for an index outside the map.
    public func place(ofSeatAt index: Int) -> SeatPlace? {
        for section in sections {
            for row in section.rows where row.indexes.contains(index) {
                return SeatPlace(section: section.name, row: row.label, number: row.numbers[index - row.firstIndex])
            }
        }
        return nil
    }
}

extension Event {
    /// Where a seat of this event is, with its price category; nil for a seat of another event.
    public func place(of seat: SeatID) -> (place: SeatPlace, category: PriceCategory)? {
        guard let index = seatIndex(of: seat), let place = seatMap.place(ofSeatAt: index) else { return nil }
        return (place, categories[Int(seatMap.categoryOfSeat[index])])
    }
}
