/// Best available: the engine chooses the seats, in memory, in the batch.
///
/// The steps (seats.io's): the best group of `quantity` seats side by side in one row that leaves no seat alone
/// (an "orphan": one free seat between taken seats or at a row's end); if none, the best group that does; if none
/// and the buyer allows it, the seats split into as few groups as possible, each the best of its size. "Best" is
/// the lowest sum of the seats' scores (``SeatRanking``). Accessible seats go only to requests that ask for them, or
/// last. An allocation looks at each row's free runs (``FreeRuns``), never at every seat: it costs the rows of the
/// sections asked for plus the rows that changed since.
extension EventInventory {
    /// Which seats one request may be given.
    struct SeatFilter {
        enum Accessible { case excluded, allowed, only }

        var sections: Set<Int>?
        var categories: [Bool]?
        var accessible: Accessible

        func allows(_ row: SeatRanking.Row) -> Bool {
            if let sections, !sections.contains(row.section) { return false }
            if let category = row.category, let categories, !categories[Int(category)] { return false }
            return accessible != .only || row.hasAccessible
        }

        func allows(seat index: Int, in ranking: SeatRanking) -> Bool {
            if let categories, !categories[Int(ranking.categoryOfSeat[index])] { return false }
            switch accessible {
            case .excluded: return !ranking.isAccessible(index)
            case .allowed: return true
            case .only: return ranking.isAccessible(index)
            }
        }

        /// Whether every seat of a row the filter allows is allowed, so its runs need no splitting.
        func allowsEverySeat(of row: SeatRanking.Row) -> Bool {
            (categories == nil || row.category != nil) && (accessible == .allowed || (accessible == .excluded && !row.hasAccessible))
        }
    }

    /// A group of seats side by side: `count` seats of a row from `start` (a position in the row).
    struct Window {
        var row: Int
        var start: Int
        var count: Int
        var score: Float
    }

    /// Chooses seats for a request, without taking them.
    /// - Returns: the chosen seats' indexes.
    /// - Throws: ``DomainError/notEnoughSeats(_:)`` saying what is left when no allocation exists.
    mutating func allocate(_ wanted: BestAvailableRequest) throws(DomainError) -> [Int] {
        let ranking = rankedSeats()
        if freeRuns == nil { freeRuns = FreeRuns(ranking) }
        var filter = SeatFilter(
            sections: wanted.sections.isEmpty ? nil : Set(wanted.sections.compactMap { ranking.sectionNames.firstIndex(of: $0) }),
            categories: wanted.categories.isEmpty ? nil : event.categories.map { wanted.categories.contains($0.key) },
            accessible: .excluded
        )
        let quantity = wanted.quantity
        switch wanted.accessible {
        case 0:
            if let chosen = allocate(quantity, filter, together: wanted.together) { return chosen }
            if !ranking.accessible.isEmpty {
                // Accessible seats go last to those who did not ask for them.
                filter.accessible = .allowed
                if let chosen = allocate(quantity, filter, together: wanted.together) { return chosen }
            }
        case quantity:
            filter.accessible = .only
            if let chosen = allocate(quantity, filter, together: wanted.together) { return chosen }
        default:
            if let window = mixedWindow(quantity, accessible: wanted.accessible, filter) { return indexes(of: window) }
            if !wanted.together, let chosen = companions(quantity, accessible: wanted.accessible, filter) { return chosen }
        }
        throw .notEnoughSeats(shortage(quantity, filter, together: wanted.together, accessible: wanted.accessible))
    }

    /// The seat a pick of `indexes` would leave alone in its row, if any.
    mutating func orphan(leftBy indexes: [Int]) -> Int? {
        let ranking = rankedSeats()
        let picked = Set(indexes)
        func free(_ index: Int, in row: SeatRanking.Row) -> Bool {
            index >= row.firstIndex && index < row.firstIndex + row.count && seats[index] == .available && !picked.contains(index)
        }
        for index in indexes {
            let row = ranking.rows[ranking.row(of: index)]
            for side in [-1, 1] where free(index + side, in: row) && !free(index + 2 * side, in: row) {
                return index + side
            }
        }
        return nil
    }

    /// The seats' ranking, built the first time it is needed.
    private mutating func rankedSeats() -> SeatRanking {
        if let ranking { return ranking }
        let built = SeatRanking(event.seatMap)
        ranking = built
        return built
    }

    /// Steps 1 and 2 (one group), then 3 (split) when allowed.
    private mutating func allocate(_ quantity: Int, _ filter: SeatFilter, together: Bool) -> [Int]? {
        if let window = bestGroup(quantity, filter) { return indexes(of: window) }
        return together ? nil : split(quantity, filter)
    }

    /// The best group of `quantity` seats in one row: one that leaves no seat alone if the event avoids orphans and
    /// one exists, else the best of all.
    private mutating func bestGroup(_ quantity: Int, _ filter: SeatFilter) -> Window? {
        if event.details.orphanRule != .off, let window = bestWindow(quantity, filter, orphanFree: true) { return window }
        return bestWindow(quantity, filter, orphanFree: false)
    }

    /// The seats split into as few groups as possible: the largest group left first, each the best of its size; nil when there are
    /// not enough. The groups are taken while the next is sought, and given back before returning.
    private mutating func split(_ quantity: Int, _ filter: SeatFilter) -> [Int]? {
        var chosen: [Int] = []
        defer { for index in chosen { mark(index, .available) } }
        var remaining = quantity
        while remaining > 0 {
            var found: Window?
            for size in (1 ... remaining).reversed() {
                found = bestGroup(size, filter)
                if found != nil { break }
            }
            guard let window = found else { return nil }
            let group = indexes(of: window)
            for index in group { mark(index, .held) }
            chosen += group
            remaining -= window.count
        }
        return chosen
    }

    /// The best window of `quantity` allowed seats in one free run; with `orphanFree`, only windows that leave no
    /// run of exactly one seat on either side.
    private mutating func bestWindow(_ quantity: Int, _ filter: SeatFilter, orphanFree: Bool) -> Window? {
        guard let ranking, quantity > 0 else { return nil }
        var best: Window?
        for rowIndex in ranking.byRank {
            let row = ranking.rows[rowIndex]
            // Every seat of this row and of the rows after it scores at least its rank.
            if let found = best, found.score <= Float(quantity) * Float(row.rank) { break }
            guard row.count >= quantity, filter.allows(row) else { continue }
            for run in freeRuns!.runs(ofRow: rowIndex, seats: seats) where run.length >= quantity {
                for segment in segments(of: run, in: row, filter) where segment.length >= quantity {
                    guard let window = bestWindow(quantity, in: segment, of: run, row: rowIndex, orphanFree: orphanFree) else { continue }
                    if best == nil || window.score < best!.score { best = window }
                }
            }
        }
        return best
    }

    /// The parts of a free run whose every seat the filter allows.
    private func segments(of run: FreeRuns.Run, in row: SeatRanking.Row, _ filter: SeatFilter) -> [FreeRuns.Run] {
        guard let ranking, !filter.allowsEverySeat(of: row) else { return [run] }
        var parts: [FreeRuns.Run] = []
        var start: Int?
        for position in run.start ... run.end {
            if filter.allows(seat: row.firstIndex + position, in: ranking) {
                if start == nil { start = position }
            } else if let open = start {
                parts.append(FreeRuns.Run(start: open, end: position - 1))
                start = nil
            }
        }
        if let open = start { parts.append(FreeRuns.Run(start: open, end: run.end)) }
        return parts
    }

    /// The best window in a segment of a run. A window's score is convex in its start (each seat's score is convex in
    /// its position), so the best lies at the start that centres the window in the row, clamped to the segment; the
    /// orphan rule forbids at most two starts, so the best allowed one is within two of it.
    private func bestWindow(_ quantity: Int, in segment: FreeRuns.Run, of run: FreeRuns.Run, row rowIndex: Int, orphanFree: Bool) -> Window? {
        guard let ranking else { return nil }
        let row = ranking.rows[rowIndex]
        let low = segment.start
        let high = segment.end - quantity + 1
        guard high >= low else { return nil }
        let centred = Int((Double(row.count - quantity) / 2).rounded())
        let middle = min(max(centred, low), high)
        var best: Window?
        for start in max(low, middle - 2) ... min(high, middle + 2) {
            if orphanFree, start - run.start == 1 || run.end - (start + quantity - 1) == 1 { continue }
            let score = ranking.score(from: row.firstIndex + start, count: quantity)
            if best == nil || score < best!.score { best = Window(row: rowIndex, start: start, count: quantity, score: score) }
        }
        return best
    }

    /// The best group of `quantity` allowed seats in one row with at least `accessible` accessible seats among them;
    /// only rows with accessible seats are looked at, window by window.
    private mutating func mixedWindow(_ quantity: Int, accessible: Int, _ filter: SeatFilter) -> Window? {
        guard let ranking else { return nil }
        var companions = filter
        companions.accessible = .allowed
        // The fewest accessible seats beyond those asked for (the next wheelchair user needs them), then no orphan
        // (unless the event allows them), then the best score.
        let avoid = event.details.orphanRule != .off
        var best: (key: (Int, Int, Float), window: Window)?
        for (rowIndex, row) in ranking.rows.enumerated() where row.hasAccessible && row.count >= quantity && companions.allows(row) {
            for run in freeRuns!.runs(ofRow: rowIndex, seats: seats) where run.length >= quantity {
                for segment in segments(of: run, in: row, companions) where segment.length >= quantity {
                    for start in segment.start ... segment.end - quantity + 1 {
                        let seats = (row.firstIndex + start ..< row.firstIndex + start + quantity)
                        let wheelchair = seats.filter(ranking.isAccessible).count
                        guard wheelchair >= accessible else { continue }
                        let orphan = start - run.start == 1 || run.end - (start + quantity - 1) == 1
                        let score = ranking.score(from: seats.lowerBound, count: quantity)
                        let key = (wheelchair - accessible, avoid && orphan ? 1 : 0, score)
                        if best == nil || key < best!.key { best = (key, Window(row: rowIndex, start: start, count: quantity, score: score)) }
                    }
                }
            }
        }
        return best?.window
    }

    /// `accessible` accessible seats and the rest anywhere, when they cannot sit together.
    private mutating func companions(_ quantity: Int, accessible: Int, _ filter: SeatFilter) -> [Int]? {
        var only = filter
        only.accessible = .only
        guard let wheelchair = allocate(accessible, only, together: false) else { return nil }
        for index in wheelchair { mark(index, .held) }
        defer { for index in wheelchair { mark(index, .available) } }
        var others = filter
        others.accessible = .excluded
        if let rest = allocate(quantity - accessible, others, together: false) { return wheelchair + rest }
        others.accessible = .allowed
        return allocate(quantity - accessible, others, together: false).map { wheelchair + $0 }
    }

    /// What is left, for the refusal: the largest group side by side, or how many seats in all.
    private mutating func shortage(_ quantity: Int, _ filter: SeatFilter, together: Bool, accessible: Int) -> String {
        if accessible > 0 {
            var only = filter
            only.accessible = .only
            return "Only \(free(only)) accessible seats are left\(filter.sections == nil && filter.categories == nil ? "" : " in the sections and categories asked for"); \(accessible) were asked for\(together ? ", with the rest beside them" : "")."
        }
        var any = filter
        if any.accessible == .excluded { any.accessible = .allowed }
        let asked = filter.sections == nil && filter.categories == nil ? "" : " in the sections and categories asked for"
        if together {
            for size in (1 ..< quantity).reversed() {
                guard let window = bestWindow(size, any, orphanFree: false), let ranking else { continue }
                let section = ranking.sectionNames[ranking.rows[window.row].section]
                return "No \(quantity) seats side by side are left\(asked); only \(size) together remain, in \(section)."
            }
            return "No seats are left\(asked)."
        }
        return "Only \(free(any)) seats are left\(asked); \(quantity) were asked for."
    }

    /// How many seats the filter allows are free.
    private mutating func free(_ filter: SeatFilter) -> Int {
        guard let ranking else { return 0 }
        var total = 0
        for (rowIndex, row) in ranking.rows.enumerated() where filter.allows(row) {
            for run in freeRuns!.runs(ofRow: rowIndex, seats: seats) {
                total += segments(of: run, in: row, filter).reduce(0) { $0 + $1.length }
            }
        }
        return total
    }

    private func indexes(of window: Window) -> [Int] {
        let first = ranking!.rows[window.row].firstIndex + window.start
        return Array(first ..< first + window.count)
    }
}
