import BoxofficeDomain
import BoxofficeStorage
import BoxofficeTestSupport
import Foundation
import Testing

@Suite("Booking store, on SQLite and PostgreSQL")
struct BookingStoreTests {
    @Test("events get consecutive blocks of seat ids and survive a reload", arguments: TestBackend.all)
    func createAndLoad(backend: TestBackend) async throws {
        try await StoreFixture.with(backend) { (fixture: StoreFixture) async throws in
            let first = try await fixture.store.createEvent(try StoreFixture.draft())
            let second = try await fixture.store.createEvent(try StoreFixture.draft())
            #expect(first.firstSeatID.rawValue == 1)
            #expect(second.firstSeatID.rawValue == 11)
            #expect(second.gaPools[0].id != first.gaPools[0].id)
            let loaded = try await fixture.store.loadInventories()
            #expect(loaded.map(\.event) == [first, second])
            #expect(loaded[0].availableSeats == 10)
            #expect(try await fixture.store.eventCount() == 2)
        }
    }

    @Test("a draft's seat map grown moves to a new block of ids: read back from the old event, and the old ids claim nothing", arguments: TestBackend.all)
    func movedSeatMap(backend: TestBackend) async throws {
        try await StoreFixture.with(backend) { (fixture: StoreFixture) async throws in
            var draft = try StoreFixture.draft()
            draft.details.status = .draft
            let event = try await fixture.store.createEvent(draft)
            _ = try await fixture.store.createEvent(try StoreFixture.draft())
            let spec = SeatMapSpec(sections: [.init(name: "Hall", rows: [.block(rows: "A-B", seats: "1-6", category: "std")])])
            let edited = try await fixture.store.editSeatMap(event.id, try SeatMapEdit(spec, for: event))
            #expect(edited.firstSeatID.rawValue == 21 && edited.seatMap.seatCount == 12 && edited.layoutVersion == 1, "after both events' blocks")
            let reloaded = try await fixture.store.loadInventory(of: event)
            #expect(reloaded.event == edited && reloaded.seats.count == 12, "a reload from the event as it was reads the new map and block")
            #expect(try await fixture.store.loadInventory(of: edited).event == edited, "and one from the new event reads it as it is")
            #expect(try await fixture.store.apply([.hold(StoreFixture.booking(event, seats: [0]))], event: event.id) == [false], "an old id claims nothing")
            #expect(try await fixture.store.apply([.hold(StoreFixture.booking(edited, seats: [11]))], event: event.id) == [true])
            #expect(try await fixture.store.editSeatMap(event.id, try SeatMapEdit(spec, for: edited)) == edited, "the same map again changes nothing")
        }
    }

    @Test("a hold writes its booking, its seat claims and its pool counters", arguments: TestBackend.all)
    func hold(backend: TestBackend) async throws {
        try await StoreFixture.with(backend) { (fixture: StoreFixture) async throws in
            let event = try await fixture.store.createEvent(try StoreFixture.draft())
            let booking = StoreFixture.booking(event, seats: [0, 1], ga: 2)
            #expect(try await fixture.store.apply([.hold(booking)], event: event.id) == [true])
            #expect(try await fixture.store.booking(booking.id) == booking)
            let inventory = try await fixture.store.loadInventory(of: event)
            #expect(inventory.seats[0] == .held && inventory.seats[1] == .held)
            #expect(inventory.pools[event.gaPools[0].id]?.held == 2)
            #expect(inventory.holds[booking.id]?.seatIndexes == [0, 1])
        }
    }

    @Test("a hold on a claimed seat is refused by the database and leaves no trace", arguments: TestBackend.all)
    func seatConflict(backend: TestBackend) async throws {
        try await StoreFixture.with(backend) { (fixture: StoreFixture) async throws in
            let event = try await fixture.store.createEvent(try StoreFixture.draft())
            let winner = StoreFixture.booking(event, seats: [3])
            let loser = StoreFixture.booking(event, seats: [2, 3], ga: 1)
            let bystander = StoreFixture.booking(event, seats: [4])
            #expect(try await fixture.store.apply([.hold(winner)], event: event.id) == [true])
            #expect(try await fixture.store.apply([.hold(loser), .hold(bystander)], event: event.id) == [false, true])
            #expect(try await fixture.store.booking(loser.id) == nil)
            let inventory = try await fixture.store.loadInventory(of: event)
            #expect(inventory.seats[2] == .available)
            #expect(inventory.pools[event.gaPools[0].id]?.held == 0)
        }
    }

    @Test("a hold of seats only that loses one seat claims none of them; neighbours are untouched", arguments: TestBackend.all)
    func seatsOnlyConflict(backend: TestBackend) async throws {
        try await StoreFixture.with(backend) { (fixture: StoreFixture) async throws in
            let event = try await fixture.store.createEvent(try StoreFixture.draft())
            let next = try await fixture.store.createEvent(try StoreFixture.draft())
            let winner = StoreFixture.booking(event, seats: [3])
            let loser = StoreFixture.booking(event, seats: [2, 3])
            let bystander = StoreFixture.booking(event, seats: [4, 5])
            let neighbour = StoreFixture.booking(next, seats: [0])
            #expect(try await fixture.store.apply([.hold(winner)], event: event.id) == [true])
            #expect(try await fixture.store.apply([.hold(neighbour)], event: next.id) == [true])
            #expect(try await fixture.store.apply([.hold(loser), .hold(bystander)], event: event.id) == [false, true])
            #expect(try await fixture.store.booking(loser.id) == nil)
            #expect(try await fixture.store.booking(bystander.id) == bystander)
            let inventory = try await fixture.store.loadInventory(of: event)
            #expect(inventory.seats.map { $0 == .held } == [false, false, false, true, true, true, false, false, false, false])
            #expect(try await fixture.store.loadInventory(of: next).seats[0] == .held)
            #expect(try await fixture.store.apply([StoreFixture.ended(winner)], event: event.id) == [true])
            #expect(try await fixture.store.loadInventory(of: event).seats[3] == .available)
            #expect(try await fixture.store.loadInventory(of: next).seats[0] == .held)
        }
    }

    @Test("a seat claim whose booking was never written is removed when memory is rebuilt", arguments: TestBackend.all)
    func orphanClaims(backend: TestBackend) async throws {
        try await StoreFixture.with(backend) { (fixture: StoreFixture) async throws in
            let event = try await fixture.store.createEvent(try StoreFixture.draft())
            let booking = StoreFixture.booking(event, seats: [1])
            _ = try await fixture.store.apply([.hold(booking)], event: event.id)
            let orphan = BookingID.random()
            _ = try await fixture.database.rows(
                "INSERT INTO seat_claims (seat_id, event_id, booking_id, status) VALUES (\(event.firstSeatID.rawValue + 2), \(event.id.rawValue), '\(orphan)', 'held')"
            )
            let inventory = try #require(try await fixture.store.loadInventories().first)
            #expect(inventory.seats[1] == .held && inventory.seats[2] == .available)
            #expect(try await fixture.database.count("SELECT CAST(COUNT(*) AS TEXT) FROM seat_claims") == 1)
        }
    }

    @Test("a pool's capacity is enforced by the database", arguments: TestBackend.all)
    func poolCapacity(backend: TestBackend) async throws {
        try await StoreFixture.with(backend) { (fixture: StoreFixture) async throws in
            let event = try await fixture.store.createEvent(try StoreFixture.draft())
            let first = StoreFixture.booking(event, ga: 3)
            let second = StoreFixture.booking(event, ga: 2)
            let third = StoreFixture.booking(event, ga: 1)
            #expect(try await fixture.store.apply([.hold(first)], event: event.id) == [true])
            #expect(try await fixture.store.apply([.hold(second), .hold(third)], event: event.id) == [false, true])
            let inventory = try await fixture.store.loadInventory(of: event)
            #expect(inventory.pools[event.gaPools[0].id] == PoolCounts(capacity: 4, held: 4, sold: 0))
        }
    }

    @Test("ending a hold frees its inventory once; a second end does not apply", arguments: TestBackend.all)
    func endHold(backend: TestBackend) async throws {
        try await StoreFixture.with(backend) { (fixture: StoreFixture) async throws in
            let event = try await fixture.store.createEvent(try StoreFixture.draft())
            let booking = StoreFixture.booking(event, seats: [5], ga: 1)
            _ = try await fixture.store.apply([.hold(booking)], event: event.id)
            #expect(try await fixture.store.apply([StoreFixture.ended(booking, as: .expired)], event: event.id) == [true])
            #expect(try await fixture.store.booking(booking.id)?.status == .expired)
            #expect(try await fixture.store.apply([StoreFixture.ended(booking)], event: event.id) == [false])
            let inventory = try await fixture.store.loadInventory(of: event)
            #expect(inventory.availableSeats == 10)
            #expect(inventory.pools[event.gaPools[0].id]?.held == 0)
            #expect(inventory.holds.isEmpty)
        }
    }

    @Test("a seat released in a batch can be held again in the same batch", arguments: TestBackend.all)
    func releaseThenHold(backend: TestBackend) async throws {
        try await StoreFixture.with(backend) { (fixture: StoreFixture) async throws in
            let event = try await fixture.store.createEvent(try StoreFixture.draft())
            let first = StoreFixture.booking(event, seats: [7])
            _ = try await fixture.store.apply([.hold(first)], event: event.id)
            let second = StoreFixture.booking(event, seats: [7])
            #expect(try await fixture.store.apply([StoreFixture.ended(first), .hold(second)], event: event.id) == [true, true])
            #expect(try await fixture.store.loadInventory(of: event).holds.keys.contains(second.id))
        }
    }
}

@Suite("Booking store: a customer's bookings")
struct CustomerBookingsTests {
    @Test("a customer's bookings come newest first, only theirs, at most the limit", arguments: TestBackend.all)
    func newestFirst(backend: TestBackend) async throws {
        try await StoreFixture.with(backend) { (fixture: StoreFixture) async throws in
            let event = try await fixture.store.createEvent(try StoreFixture.draft())
            var mine: [Booking] = []
            for seat in 0 ..< 3 {
                var booking = StoreFixture.booking(event, seats: [seat])
                booking.userIdentifier = "carol"
                booking.createdAt = StoreFixture.now.addingTimeInterval(Double(seat))
                mine.append(booking)
            }
            var other = StoreFixture.booking(event, seats: [5])
            other.userIdentifier = "dave"
            #expect(try await fixture.store.apply((mine + [other]).map { .hold($0) }, event: event.id) == [true, true, true, true])
            #expect(try await fixture.store.bookings(ofCustomer: "carol", limit: 10).map(\.id) == mine.reversed().map(\.id))
            #expect(try await fixture.store.bookings(ofCustomer: "carol", limit: 2).map(\.id) == [mine[2].id, mine[1].id])
            #expect(try await fixture.store.bookings(ofCustomer: "nobody", limit: 10).isEmpty)
        }
    }
}
