import BoxofficeDomain
import Foundation
import Testing

@Suite("Creating events")
struct EventDraftTests {
    let categories = [PriceCategory(key: "std", name: "Standard", priceMinor: 1_000)]

    func draft(
        details: EventDetails = Fixtures.details(), sections: [SeatMapSpec.Section]? = nil, pools: [EventDraft.Pool] = []
    ) throws -> EventDraft {
        try EventDraft(
            details: details, categories: categories,
            seatMap: SeatMapSpec(sections: sections ?? [.init(name: "Hall", rows: [.block(rows: "A-T", seats: "1-30", category: "std")])]),
            gaPools: pools
        )
    }

    @Test("a compact block builds rows of consecutive seats")
    func compactBlock() throws {
        let map = try draft().seatMap
        #expect(map.seatCount == 600)
        #expect(map.sections[0].rows.count == 20)
        #expect(map.sections[0].rows[1].firstIndex == 30)
        #expect(map.sections[0].rows[19].label == "T")
        #expect(map.sections[0].rows[0].numbers == Array(1 ... 30))
    }

    @Test("rows listed seat by seat keep their own numbers and categories")
    func detailedRow() throws {
        let categories = [PriceCategory(key: "a", name: "A", priceMinor: 1), PriceCategory(key: "b", name: "B", priceMinor: 2)]
        let draft = try EventDraft(
            details: Fixtures.details(), categories: categories,
            seatMap: SeatMapSpec(sections: [.init(name: "Box", rows: [.row(label: "1", seats: [.init(number: 4, category: "b"), .init(number: 2, category: "a")])])]),
            gaPools: []
        )
        #expect(draft.seatMap.categoryOfSeat == [1, 0])
        #expect(draft.seatMap.sections[0].rows[0].numbers == [4, 2])
    }

    @Test("a hold time of zero or less is refused", arguments: [0, -5, 86_401])
    func holdTTL(ttl: Int) {
        #expect(throws: DomainError.self) { try draft(details: Fixtures.details(ttl: ttl)) }
    }

    @Test("max tickets per booking must be positive", arguments: [0, -1, 101])
    func maxTickets(max: Int) {
        #expect(throws: DomainError.self) { try draft(details: Fixtures.details(maxTickets: max)) }
    }

    @Test("sales must open before they close")
    func salesWindow() {
        var details = Fixtures.details()
        details.salesEnd = details.salesStart
        #expect(throws: DomainError.self) { try draft(details: details) }
    }

    @Test("dates far outside living memory are refused", arguments: [-1e12, 1e13])
    func dateWindow(offset: Double) {
        var details = Fixtures.details()
        details.startsAt = Date(timeIntervalSince1970: offset)
        #expect(throws: DomainError.self) { try draft(details: details) }
    }

    @Test("an event needs seats or a GA pool")
    func needsInventory() throws {
        #expect(throws: DomainError.self) { try draft(sections: []) }
        #expect(try draft(sections: [], pools: [.init(name: "Floor", priceMinor: 100, capacity: 10)]).gaPools.count == 1)
    }

    @Test("duplicate rows, duplicate seats and unknown categories are refused")
    func mapRules() {
        #expect(throws: DomainError.self) {
            try draft(sections: [.init(name: "Hall", rows: [.block(rows: "A-B", seats: "1-2", category: "std"), .block(rows: "B", seats: "1", category: "std")])])
        }
        #expect(throws: DomainError.self) {
            try draft(sections: [.init(name: "Hall", rows: [.row(label: "A", seats: [.init(number: 1, category: "std"), .init(number: 1, category: "std")])])])
        }
        #expect(throws: DomainError.self) {
            try draft(sections: [.init(name: "Hall", rows: [.block(rows: "A", seats: "1-2", category: "vip")])])
        }
        #expect(throws: DomainError.self) {
            try draft(sections: [.init(name: "Hall", rows: []), .init(name: "Hall", rows: [])])
        }
    }

    @Test("a seat map may not exceed the seat limit")
    func seatLimit() {
        #expect(throws: DomainError.self) {
            try draft(sections: [.init(name: "Huge", rows: [.block(rows: "1-1000", seats: "1-201", category: "std")])])
        }
    }

    @Test("pools need a positive capacity and a unique name")
    func pools() {
        #expect(throws: DomainError.self) { try draft(pools: [.init(name: "Floor", priceMinor: 1, capacity: 0)]) }
        #expect(throws: DomainError.self) { try draft(pools: [.init(name: "Floor", priceMinor: -1, capacity: 3)]) }
        #expect(throws: DomainError.self) {
            try draft(pools: [.init(name: "Floor", priceMinor: 1, capacity: 3), .init(name: "Floor", priceMinor: 1, capacity: 3)])
        }
    }

    @Test("currency codes are three letters")
    func currency() {
        #expect(Currency("eur")?.code == "EUR")
        #expect(Currency("EURO") == nil)
        #expect(Currency("E1R") == nil)
    }
}

@Suite("Free text")
struct TextRulesTests {
    @Test("control characters are refused", arguments: ["a\u{0}b", "tab\there", "bell\u{7}", "line\nbreak"])
    func control(text: String) {
        #expect(throws: DomainError.self) { try TextRules.required(text, field: "name") }
    }

    @Test("descriptions may break lines but not hide control characters")
    func description() throws {
        try TextRules.printable("one\ntwo\tthree", field: "description", allowingLineBreaks: true)
        #expect(throws: DomainError.self) { try TextRules.printable("nul\u{0}", field: "description", allowingLineBreaks: true) }
    }
}
