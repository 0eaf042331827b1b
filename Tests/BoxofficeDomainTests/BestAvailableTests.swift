import BoxofficeDomain
import Foundation
import PropertyBased
import Testing

/// Best available: the engine's choice of seats, checked on examples and against a brute-force search on random halls.
@Suite("Best available")
struct BestAvailableTests {
    static let now = Fixtures.now

    /// An event of the given sections (name, rank, rows of seat counts), all in one category but for a "vip" first row
    /// when asked, with accessible seats where given (section, row, seat numbers).
    static func event(
        _ sections: [(name: String, rank: Int?, rows: [Int])], vipFrontRow: Bool = false, accessible: [String: String] = [:],
        orphanRule: OrphanRule = .avoid, maxTickets: Int = 8
    ) throws -> Event {
        var details = Fixtures.details(maxTickets: maxTickets)
        details.orphanRule = orphanRule
        let draft = try EventDraft(
            details: details,
            categories: [PriceCategory(key: "std", name: "Standard", priceMinor: 1_000), PriceCategory(key: "vip", name: "VIP", priceMinor: 5_000)],
            seatMap: SeatMapSpec(sections: sections.map { section in
                SeatMapSpec.Section(name: section.name, rows: section.rows.enumerated().map { index, seats in
                    .block(
                        rows: "\(index + 1)", seats: "1-\(seats)", category: vipFrontRow && index == 0 ? "vip" : "std",
                        options: SeatMapSpec.RowOptions(accessible: accessible["\(section.name) \(index + 1)"])
                    )
                }, rank: section.rank)
            }),
            gaPools: []
        )
        return Event(id: EventID(rawValue: 1), details: draft.details, categories: draft.categories, seatMap: draft.seatMap, firstSeatID: SeatID(rawValue: 1), gaPools: [])
    }

    static func request(_ quantity: Int, together: Bool = true, categories: [String] = [], sections: [String] = [], accessible: Int = 0, user: String = "ann") -> HoldRequest {
        HoldRequest(
            eventID: EventID(rawValue: 1), seatIDs: [], tickets: [], userIdentifier: user,
            bestAvailable: BestAvailableRequest(quantity: quantity, categories: categories, sections: sections, together: together, accessible: accessible)
        )
    }

    /// Takes seats (by index) for someone else.
    static func take(_ indexes: [Int], in inventory: inout EventInventory) throws {
        _ = try inventory.hold(
            HoldRequest(eventID: EventID(rawValue: 1), seatIDs: indexes.map { inventory.event.seatID(at: $0) }, tickets: [], userIdentifier: "other"),
            id: .random(), now: now
        )
    }

    static func indexes(_ booking: Booking, of event: Event) -> [Int] { booking.seatIDs.compactMap(event.seatIndex(of:)).sorted() }

    @Test("a fresh row gives the centre seats, side by side")
    func centre() throws {
        var inventory = EventInventory(newEvent: try Self.event([("Hall", nil, [10])]))
        let booking = try inventory.hold(Self.request(2), id: .random(), now: Self.now)
        #expect(Self.indexes(booking, of: inventory.event) == [4, 5])
        #expect(inventory.event.seatMap.together(Self.indexes(booking, of: inventory.event)))
        #expect(booking.amountMinor == 2_000)
    }

    @Test("a group that would leave one seat alone loses to one that leaves none, even a little further out")
    func orphans() throws {
        var inventory = EventInventory(newEvent: try Self.event([("Hall", nil, [6])]))
        try Self.take([0], in: &inventory)
        // Free: positions 1…5. Centred 2-3 would strand 1; 3-4 would strand 5; 1-2 leaves 3-5 whole.
        let booking = try inventory.hold(Self.request(2), id: .random(), now: Self.now)
        #expect(Self.indexes(booking, of: inventory.event) == [1, 2])

        var off = EventInventory(newEvent: try Self.event([("Hall", nil, [6])], orphanRule: .off))
        try Self.take([0], in: &off)
        #expect(Self.indexes(try off.hold(Self.request(2), id: .random(), now: Self.now), of: off.event) == [2, 3], "with the rule off, the closest")
    }

    @Test("when every group strands a seat, one still does (step 2); when none fits, split only if allowed (step 3)")
    func relaxing() throws {
        var inventory = EventInventory(newEvent: try Self.event([("Hall", nil, [5, 5])]))
        try Self.take([0, 5, 6, 7, 8, 9], in: &inventory)
        // Row 1: free 1-4. Three seats must leave one of them alone.
        let three = try inventory.hold(Self.request(3), id: .random(), now: Self.now)
        #expect(Self.indexes(three, of: inventory.event).count == 3)
        #expect(throws: DomainError.self) { try inventory.hold(Self.request(2), id: .random(), now: Self.now) }
        var split = EventInventory(newEvent: try Self.event([("Hall", nil, [5, 5])]))
        try Self.take([2, 7], in: &split)
        #expect(throws: DomainError.notEnoughSeats("No 3 seats side by side are left; only 2 together remain, in Hall.")) {
            try split.hold(Self.request(3), id: .random(), now: Self.now)
        }
        let apart = try split.hold(Self.request(3, together: false), id: .random(), now: Self.now)
        let seats = Self.indexes(apart, of: split.event)
        #expect(seats.count == 3 && !split.event.seatMap.together(seats))
    }

    @Test("ranks: the organizer's section rank puts a balcony's front row before the stalls' back rows")
    func ranks() throws {
        var inventory = EventInventory(newEvent: try Self.event([("Stalls", nil, [4, 4, 4, 4]), ("Balcony", 2, [4, 4])]))
        try Self.take([0, 1, 2, 3, 4, 5, 6, 7], in: &inventory)  // stalls rows 1 and 2 gone: stalls row 3 has rank 2, balcony row 1 too
        let first = try inventory.hold(Self.request(4), id: .random(), now: Self.now)
        #expect(Self.indexes(first, of: inventory.event) == [8, 9, 10, 11], "a tie goes to the earlier row")
        let second = try inventory.hold(Self.request(4), id: .random(), now: Self.now)
        #expect(Self.indexes(second, of: inventory.event) == [16, 17, 18, 19], "balcony row 1 (rank 2) before stalls row 4 (rank 3)")
    }

    @Test("categories and sections narrow the choice; unknown ones are refused")
    func filters() throws {
        var inventory = EventInventory(newEvent: try Self.event([("Stalls", nil, [4, 4]), ("Balcony", nil, [4])], vipFrontRow: true))
        let vip = try inventory.hold(Self.request(2, categories: ["vip"]), id: .random(), now: Self.now)
        // In a row of four, the centre pair would leave a seat alone on each side: the pair at the end leaves two.
        #expect(Self.indexes(vip, of: inventory.event) == [0, 1] && vip.amountMinor == 10_000)
        let standard = try inventory.hold(Self.request(2, categories: ["std"], sections: ["Stalls"]), id: .random(), now: Self.now)
        #expect(Self.indexes(standard, of: inventory.event) == [4, 5])
        #expect(throws: DomainError.self) { try inventory.hold(Self.request(2, categories: ["gold"]), id: .random(), now: Self.now) }
        #expect(throws: DomainError.self) { try inventory.hold(Self.request(2, sections: ["Roof"]), id: .random(), now: Self.now) }
    }

    @Test("accessible seats go to those who ask for them, and to others only when nothing else is left")
    func accessible() throws {
        var inventory = EventInventory(newEvent: try Self.event([("Hall", nil, [6])], accessible: ["Hall 1": "3-4"]))
        let asked = try inventory.hold(Self.request(1, accessible: 1), id: .random(), now: Self.now)
        #expect(Self.indexes(asked, of: inventory.event) == [2])
        let others = try inventory.hold(Self.request(2), id: .random(), now: Self.now)
        #expect(Self.indexes(others, of: inventory.event) == [0, 1], "not the accessible seat 4, though 4-5 are as close")
        let last = try inventory.hold(Self.request(3, together: false), id: .random(), now: Self.now)
        #expect(Self.indexes(last, of: inventory.event) == [3, 4, 5], "the accessible seat once nothing else is left")
        #expect(throws: DomainError.self) { try inventory.hold(Self.request(1, accessible: 1), id: .random(), now: Self.now) }
        var companions = EventInventory(newEvent: try Self.event([("Hall", nil, [6])], accessible: ["Hall 1": "1"]))
        let pair = try companions.hold(Self.request(2, accessible: 1), id: .random(), now: Self.now)
        #expect(Self.indexes(pair, of: companions.event) == [0, 1], "the accessible seat and its companion")
    }

    @Test("with the orphan rule on refuse, a pick that strands a seat is refused, naming it")
    func refusedPick() throws {
        var inventory = EventInventory(newEvent: try Self.event([("Hall", nil, [6])], orphanRule: .refuse))
        #expect(throws: DomainError.orphanSeat(SeatID(rawValue: 1), "Hall row 1 seat 1")) {
            try inventory.hold(Fixtures.request(seats: [2]), id: .random(), now: Self.now)
        }
        _ = try inventory.hold(Fixtures.request(seats: [1, 2]), id: .random(), now: Self.now)
        var free = EventInventory(newEvent: try Self.event([("Hall", nil, [6])]))
        _ = try free.hold(Fixtures.request(seats: [2]), id: .random(), now: Self.now)
    }

    // MARK: - Properties on random halls

    /// A seeded generator, so a failing hall can be replayed from its seed.
    struct SplitMix: RandomNumberGenerator {
        var state: UInt64
        mutating func next() -> UInt64 {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
    }

    /// One window of `quantity` free seats in a row: its score and whether it leaves a seat alone.
    struct Window {
        let seats: [Int]
        let score: Float
        let orphan: Bool
    }

    /// Every window of `quantity` free, not accessible seats, found by looking at every seat.
    static func windows(_ quantity: Int, in inventory: EventInventory, ranking: SeatRanking) -> [Window] {
        var found: [Window] = []
        let accessible = Set(inventory.event.seatMap.accessible)
        for row in inventory.event.seatMap.sections.flatMap(\.rows) {
            let free = row.indexes.map { inventory.seats[$0] == .available }
            func isFree(_ position: Int) -> Bool { position >= 0 && position < free.count && free[position] }
            guard row.numbers.count >= quantity else { continue }
            for start in 0 ... row.numbers.count - quantity {
                let positions = start ..< start + quantity
                guard positions.allSatisfy(isFree), !positions.contains(where: { accessible.contains(row.firstIndex + $0) }) else { continue }
                let orphan = (isFree(start - 1) && !isFree(start - 2)) || (isFree(start + quantity) && !isFree(start + quantity + 1))
                let seats = positions.map { row.firstIndex + $0 }
                found.append(Window(seats: seats, score: seats.reduce(0) { $0 + ranking.score(ofSeat: $1) }, orphan: orphan))
            }
        }
        return found
    }

    @Test("on random halls and buyers: no seat twice, groups side by side, no needless orphan, no better group skipped")
    func randomHalls() async {
        await propertyCheck(count: 200, input: Gen.int(in: 0 ... Int(Int32.max))) { seed in
            var random = SplitMix(state: UInt64(seed))
            let sections = (0 ..< Int.random(in: 1 ... 3, using: &random)).map { section in
                (name: "S\(section)", rank: Bool.random(using: &random) ? Int.random(in: 0 ... 4, using: &random) : nil,
                 rows: (0 ..< Int.random(in: 1 ... 5, using: &random)).map { _ in Int.random(in: 1 ... 12, using: &random) })
            }
            let accessibleRow = Bool.random(using: &random) ? ["S0 1": "1"] : [:]
            guard var inventory = try? EventInventory(newEvent: Self.event(sections, accessible: accessibleRow)) else {
                Issue.record("could not build hall \(sections)")
                return
            }
            let ranking = SeatRanking(inventory.event.seatMap)
            let total = inventory.event.seatMap.seatCount
            let picked = (0 ..< total).filter { _ in Int.random(in: 0 ..< 4, using: &random) == 0 }
            for index in picked { try? Self.take([index], in: &inventory) }
            var given = Set(picked)
            for buyer in 0 ..< 40 {
                let quantity = Int.random(in: 1 ... 4, using: &random)
                let together = Int.random(in: 0 ..< 3, using: &random) > 0
                let before = inventory.seats
                let windows = Self.windows(quantity, in: inventory, ranking: ranking)
                let free = before.indices.filter { before[$0] == .available }.count
                do {
                    let booking = try inventory.hold(Self.request(quantity, together: together, user: "buyer-\(buyer)"), id: .random(), now: Self.now)
                    let seats = Self.indexes(booking, of: inventory.event)
                    #expect(seats.count == quantity)
                    #expect(seats.allSatisfy { before[$0] == .available && given.insert($0).inserted }, "a seat given twice or not free: \(seats)")
                    let best = windows.filter { !$0.orphan }.min { $0.score < $1.score } ?? windows.min { $0.score < $1.score }
                    if let best {
                        #expect(seats == best.seats.sorted() || abs(seats.reduce(0) { $0 + ranking.score(ofSeat: $1) } - best.score) < 0.001,
                                "seed \(seed): chose \(seats), the best group was \(best.seats)")
                        #expect(inventory.event.seatMap.together(seats))
                        if windows.contains(where: { !$0.orphan }) {
                            #expect(!(windows.first { $0.seats == seats }?.orphan ?? true), "seed \(seed): \(seats) strands a seat though a group that strands none existed")
                        }
                    } else if together {
                        #expect(seats.contains { inventory.event.seatMap.accessible.contains($0) }, "seed \(seed): no group of free seats, yet \(seats) was given")
                    }
                } catch DomainError.notEnoughSeats {
                    #expect(windows.isEmpty, "seed \(seed): refused \(quantity) seats though \(windows.first?.seats ?? []) were free side by side")
                    if !together { #expect(free < quantity, "seed \(seed): refused a split of \(quantity) with \(free) seats free") }
                } catch {
                    Issue.record("seed \(seed): unexpected \(error)")
                }
            }
        }
    }
}
