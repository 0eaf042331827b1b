import BoxofficeDomain
import Testing

/// What a new seat map may change: anything while no seat is taken; after that all but its size and its taken seats.
@Suite("Seat-map edits")
struct SeatMapEditTests {
    /// Fixtures' hall (rows A premium and B std, five seats each, ids 101…110), with rows and categories as given.
    static func edit(rowA: String = "A", rowB: String = "B", seatsB: String = "1-5", categoryA: String = "premium", section: String = "Floor", of event: Event) throws -> SeatMapEdit {
        try SeatMapEdit(SeatMapSpec(sections: [.init(name: section, rows: [
            .block(rows: rowA, seats: "1-5", category: categoryA),
            .block(rows: rowB, seats: seatsB, category: "std"),
        ])]), for: event)
    }

    static func draft() throws -> Event {
        var event = try Fixtures.event()
        event.details.status = .draft
        return event
    }

    @Test("a map with no seat taken changes freely, a draft's or a published one's; new seat ids only when its size changes")
    func withoutSales() throws {
        for event in [try Self.draft(), try Fixtures.event()] {
            let grown = try Self.edit(seatsB: "1-8", of: event)
            #expect(grown.needsNewSeatIDs(event, claimed: []) && !grown.needsNewSeatIDs(event, claimed: [Fixtures.seat(101)]))
            let edited = try grown.applied(to: event, claimed: [])
            #expect(edited.seatMap.seatCount == 13 && edited.layoutVersion == 1)
        }
        let event = try Self.draft()
        let renamed = try Self.edit(rowA: "AA", section: "Stalls", of: event)
        #expect(!renamed.needsNewSeatIDs(event, claimed: []))
        #expect(try renamed.applied(to: event, claimed: []).seatMap.place(ofSeatAt: 0) == SeatPlace(section: "Stalls", row: "AA", number: 1))
    }

    @Test("with seats taken, a map keeps its size, and every taken seat its place, label and category; free seats may change")
    func published() throws {
        let event = try Fixtures.event()
        let held: Set<SeatID> = [Fixtures.seat(101), Fixtures.seat(110)]
        #expect(try Self.edit(rowB: "B", of: event).applied(to: event, claimed: held).seatMap == event.seatMap, "the same map is no change")
        var moved = event.seatMap
        moved.categoryOfSeat[1] = 1
        let free = try SeatMapEdit(seatMap: moved).applied(to: event, claimed: held)
        #expect(free.seatMap.categoryOfSeat[1] == 1 && !SeatMapEdit(seatMap: moved).needsNewSeatIDs(event, claimed: held), "A2 is free: it may move to std")
        for (name, edit) in [
            ("row B renamed", try Self.edit(rowB: "C", of: event)), ("row A to std", try Self.edit(categoryA: "std", of: event)),
            ("section renamed", try Self.edit(section: "Stalls", of: event)), ("a seat fewer", try Self.edit(seatsB: "1-4", of: event)),
            ("a seat more", try Self.edit(seatsB: "1-6", of: event)),
        ] {
            #expect(throws: DomainError.self, "\(name)") { try edit.applied(to: event, claimed: held) }
        }
        #expect(try Self.edit(rowB: "C", of: event).applied(to: event, claimed: [Fixtures.seat(101)]).seatMap.place(ofSeatAt: 9)?.row == "C", "row B free: renamed")
    }

    @Test("a refusal names the taken seats it would move, five at most")
    func refusalNamesSeats() throws {
        let event = try Fixtures.event()
        let all = Set((101 ... 110).map(Fixtures.seat))
        do {
            _ = try Self.edit(section: "Stalls", of: event).applied(to: event, claimed: all)
            Issue.record("a renamed section with sold seats was allowed")
        } catch let DomainError.eventStateConflict(_, message) {
            #expect(message.hasPrefix("Floor row A seat 1, Floor row A seat 2, Floor row A seat 3, Floor row A seat 4, Floor row A seat 5 and 5 more are held or sold"), "\(message)")
        }
    }

    @Test("a cancelled event's map stays; a map must leave seats or pools")
    func refusals() throws {
        var event = try Fixtures.event()
        event.details.status = .cancelled
        #expect(throws: DomainError.self) { try Self.edit(of: event).applied(to: event, claimed: []) }
        event.gaPools = []
        #expect(throws: DomainError.self) { try SeatMapEdit(SeatMapSpec(sections: []), for: event) }
        #expect(throws: DomainError.self) { try Self.edit(categoryA: "gold", of: event) }
    }
}
