/// The runs of available seats of every row of an event, kept lazily: a seat that changes marks its row, and a
/// marked row is read again (one row, not the event) only when an allocation looks at it.
struct FreeRuns: Sendable {
    /// Seats `start ... end` of a row (positions in the row) are available, and the seats around them are not.
    struct Run: Sendable, Equatable {
        var start: Int
        var end: Int
        var length: Int { end - start + 1 }
    }

    let ranking: SeatRanking
    private var runs: [[Run]]
    private var stale: [Bool]

    /// Runs to be read for every row.
    init(_ ranking: SeatRanking) {
        self.ranking = ranking
        runs = Array(repeating: [], count: ranking.rows.count)
        stale = Array(repeating: true, count: ranking.rows.count)
    }

    /// Marks the row of a seat whose status changed.
    mutating func seatChanged(_ index: Int) {
        guard !ranking.rows.isEmpty else { return }
        stale[ranking.row(of: index)] = true
    }

    /// The runs of a row, read again from `seats` if the row changed since.
    mutating func runs(ofRow row: Int, seats: [SeatStatus]) -> [Run] {
        guard stale[row] else { return runs[row] }
        let first = ranking.rows[row].firstIndex
        var found: [Run] = []
        var start: Int?
        for position in 0 ..< ranking.rows[row].count {
            if seats[first + position] == .available {
                if start == nil { start = position }
            } else if let open = start {
                found.append(Run(start: open, end: position - 1))
                start = nil
            }
        }
        if let open = start { found.append(Run(start: open, end: ranking.rows[row].count - 1)) }
        runs[row] = found
        stale[row] = false
        return found
    }
}
