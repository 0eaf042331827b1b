import BoxofficeDomain
import Foundation
import Testing

@Suite("Holding inventory")
struct EventInventoryTests {
    let now = Fixtures.now

    func inventory(ttl: Int = 600) throws -> EventInventory {
        EventInventory(newEvent: try Fixtures.event(ttl: ttl))
    }

    @Test("a hold takes its seats and GA tickets and prices them")
    func hold() throws {
        var inventory = try inventory()
        let booking = try inventory.hold(Fixtures.request(seats: [101, 106], ga: 2), id: .random(), now: now)
        #expect(booking.status == .held)
        #expect(booking.amountMinor == 5_000 + 2_000 + 2 * 1_500)
        #expect(booking.expiresAt == now.addingTimeInterval(600))
        #expect(inventory.seats[0] == .held && inventory.seats[5] == .held)
        #expect(inventory.availableSeats == 8)
        #expect(inventory.pools[PoolID(rawValue: 7)] == PoolCounts(capacity: 5, held: 2, sold: 0))
    }

    @Test("a taken seat refuses the whole request and changes nothing")
    func taken() throws {
        var inventory = try inventory()
        _ = try inventory.hold(Fixtures.request(seats: [102]), id: .random(), now: now)
        let before = inventory.seats
        #expect(throws: DomainError.seatsTaken([Fixtures.seat(102)])) {
            try inventory.hold(Fixtures.request(seats: [101, 102], ga: 1), id: .random(), now: now)
        }
        #expect(inventory.seats == before)
        #expect(inventory.pools[PoolID(rawValue: 7)]?.held == 0)
    }

    @Test("a GA pool never goes over capacity")
    func gaCapacity() throws {
        var inventory = try inventory()
        _ = try inventory.hold(Fixtures.request(ga: 4), id: .random(), now: now)
        #expect(throws: DomainError.poolSoldOut(PoolID(rawValue: 7), remaining: 1)) {
            try inventory.hold(Fixtures.request(ga: 2), id: .random(), now: now)
        }
        _ = try inventory.hold(Fixtures.request(ga: 1), id: .random(), now: now)
        #expect(inventory.pools[PoolID(rawValue: 7)]?.available == 0)
    }

    @Test("invalid requests are refused as invalid", arguments: [
        Fixtures.request(),
        Fixtures.request(seats: [101, 101]),
        Fixtures.request(seats: [999]),
        Fixtures.request(ga: 7),
        Fixtures.request(seats: [101, 102, 103, 104, 105], ga: 2),
        Fixtures.request(seats: [101], user: "  "),
        HoldRequest(eventID: EventID(rawValue: 1), seatIDs: [], tickets: [TicketQuantity(poolID: PoolID(rawValue: 7), quantity: 0)], userIdentifier: "a"),
        HoldRequest(eventID: EventID(rawValue: 1), seatIDs: [], tickets: [TicketQuantity(poolID: PoolID(rawValue: 8), quantity: 1)], userIdentifier: "a"),
    ])
    func invalid(request: HoldRequest) throws {
        var inventory = try inventory()
        #expect {
            try inventory.hold(request, id: .random(), now: now)
        } throws: { error in
            (error as? DomainError)?.kind == .invalid
        }
        #expect(inventory.availableSeats == 10)
    }

    @Test("holds are refused outside the sales window")
    func salesWindow() throws {
        var inventory = try inventory()
        #expect(throws: DomainError.self) { try inventory.hold(Fixtures.request(seats: [101]), id: .random(), now: now.addingTimeInterval(-7_200)) }
        #expect(throws: DomainError.self) { try inventory.hold(Fixtures.request(seats: [101]), id: .random(), now: now.addingTimeInterval(7_200)) }
    }

    @Test("ending a hold puts everything back on sale")
    func endHold() throws {
        var inventory = try inventory()
        let booking = try inventory.hold(Fixtures.request(seats: [103], ga: 3), id: .random(), now: now)
        let ended = inventory.endHold(booking.id)
        #expect(ended?.seatIndexes == [2])
        #expect(inventory.seats[2] == .available)
        #expect(inventory.pools[PoolID(rawValue: 7)]?.held == 0)
        #expect(inventory.endHold(booking.id) == nil)
    }

    @Test("restoring an ended hold takes its inventory again")
    func restore() throws {
        var inventory = try inventory()
        let booking = try inventory.hold(Fixtures.request(seats: [104], ga: 2), id: .random(), now: now)
        let endedHold = inventory.endHold(booking.id)
        let ended = try #require(endedHold)
        inventory.restore(ended)
        #expect(inventory.seats[3] == .held)
        #expect(inventory.availableSeats == 9)
        #expect(inventory.pools[PoolID(rawValue: 7)]?.held == 2)
        #expect(inventory.holds[booking.id] == ended)
    }

    @Test("only holds past their time are due")
    func due() throws {
        var inventory = try inventory(ttl: 60)
        let early = try inventory.hold(Fixtures.request(seats: [101]), id: .random(), now: now)
        _ = try inventory.hold(Fixtures.request(seats: [102]), id: .random(), now: now.addingTimeInterval(30))
        #expect(inventory.dueHolds(at: now.addingTimeInterval(59)).isEmpty)
        #expect(inventory.dueHolds(at: now.addingTimeInterval(60)) == [early.id])
    }

    @Test("state rebuilt from stored facts counts what is available")
    func rebuild() throws {
        let event = try Fixtures.event()
        var seats = [SeatStatus](repeating: .available, count: 10)
        seats[0] = .sold
        seats[1] = .held
        let hold = ActiveHold(bookingID: .random(), customer: "alice", seatIndexes: [1], tickets: [], expiresAt: now)
        var inventory = EventInventory(event: event, seats: seats, pools: [PoolID(rawValue: 7): PoolCounts(capacity: 5, held: 0, sold: 2)], holds: [hold])
        #expect(inventory.availableSeats == 8)
        #expect(inventory.dueHolds(at: now) == [hold.bookingID])
    }
}
