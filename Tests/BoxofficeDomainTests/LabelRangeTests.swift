import BoxofficeDomain
import Testing

@Suite("Compact range notation")
struct LabelRangeTests {
    @Test("letter ranges expand to single-letter row labels")
    func letterRange() throws {
        #expect(try LabelRange.labels("A-E", field: "rows") == ["A", "B", "C", "D", "E"])
    }

    @Test("numeric row ranges and lists combine")
    func numericRows() throws {
        #expect(try LabelRange.labels("1-3, 7", field: "rows") == ["1", "2", "3", "7"])
    }

    @Test("seat number ranges skip gaps")
    func seatNumbers() throws {
        #expect(try LabelRange.numbers("1-3,5,7-8", field: "seats") == [1, 2, 3, 5, 7, 8])
    }

    @Test("malformed ranges are refused", arguments: ["", "E-A", "A-3", "1-2-3", "5-1", " , "])
    func malformed(text: String) {
        #expect(throws: DomainError.self) { try LabelRange.labels(text, field: "rows") }
    }

    @Test("seat ranges must be numbers", arguments: ["A-C", "1-", "x", "3-1"])
    func malformedSeats(text: String) {
        #expect(throws: DomainError.self) { try LabelRange.numbers(text, field: "seats") }
    }
}

@Suite("Compact ranges cannot ask for unbounded memory")
struct LabelRangeLimitTests {
    @Test("huge or repeated ranges stop at the seat limit", arguments: [
        "0-\(Int.max)", String(repeating: "1-100000,", count: 3) + "1", "0-200000",
    ])
    func limited(text: String) {
        #expect(throws: DomainError.self) { try LabelRange.numbers(text, field: "seats") }
        #expect(throws: DomainError.self) { try LabelRange.labels(text, field: "rows") }
    }

    @Test("letter ranges keep one case")
    func mixedCase() throws {
        #expect(throws: DomainError.self) { try LabelRange.labels("A-z", field: "rows") }
        #expect(try LabelRange.labels("a-c", field: "rows") == ["a", "b", "c"])
    }
}
