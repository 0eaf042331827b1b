import BoxofficeDomain

/// Finds the event that owns a seat id: each event owns one consecutive block of ids.
struct SeatDirectory: Sendable {
    private var blocks: [(first: Int64, end: Int64, event: EventID)] = []

    /// Records an event's block of seat ids.
    mutating func add(_ event: Event) {
        guard event.seatMap.seatCount > 0 else { return }
        blocks.append((event.seatIDs.lowerBound, event.seatIDs.upperBound, event.id))
        blocks.sort { $0.first < $1.first }
    }

    /// Forgets an event's block of seat ids (its seat map moved to another).
    mutating func remove(_ event: EventID) {
        blocks.removeAll { $0.event == event }
    }

    /// The event owning a seat id, if any.
    func event(owning seat: SeatID) -> EventID? {
        var low = 0
        var high = blocks.count
        while low < high {
            let mid = (low + high) / 2
            if blocks[mid].end <= seat.rawValue { low = mid + 1 } else { high = mid }
        }
        guard low < blocks.count, blocks[low].first <= seat.rawValue else { return nil }
        return blocks[low].event
    }
}
