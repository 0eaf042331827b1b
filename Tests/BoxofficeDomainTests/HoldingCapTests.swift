import BoxofficeDomain
import Foundation
import Testing

/// What one customer, and one client address, may hold of an event.
@Suite("Holding caps")
struct HoldingCapTests {
    let now = Fixtures.now

    /// The fixture's event (10 seats, a pool of 5) with a cap of 4 per customer and 6 per address.
    func inventory() throws -> EventInventory {
        var event = try Fixtures.event()
        event.details.maxTicketsPerCustomer = 4
        event.details.heldPerAddress = 6
        return EventInventory(newEvent: event)
    }

    func request(seats: [Int64] = [], ga: Int = 0, user: String, address: String? = nil) -> HoldRequest {
        var request = Fixtures.request(seats: seats, ga: ga, user: user)
        request.clientAddress = address
        return request
    }

    @Test("a customer holds up to the cap across bookings, seats and GA together; past it is refused and changes nothing")
    func customerCap() throws {
        var inventory = try inventory()
        _ = try inventory.hold(request(seats: [101, 102], user: "ann"), id: .random(), now: now)
        _ = try inventory.hold(request(ga: 1, user: "ann"), id: .random(), now: now)
        let before = inventory.seats
        #expect(throws: DomainError.customerCapReached(cap: 4, holding: 3, asked: 2)) {
            try inventory.hold(request(seats: [103], ga: 1, user: "ann"), id: .random(), now: now)
        }
        #expect(inventory.seats == before && inventory.holdings["ann"] == 3)
        _ = try inventory.hold(request(seats: [103], user: "ann"), id: .random(), now: now)
        _ = try inventory.hold(request(seats: [104, 105, 106, 107], user: "bob"), id: .random(), now: now)
        #expect(inventory.holdings == ["ann": 4, "bob": 4])
    }

    @Test("a release or a failed payment gives tickets back; a paid booking keeps counting")
    func givenBack() throws {
        var inventory = try inventory()
        let released = try inventory.hold(request(seats: [101, 102], user: "ann"), id: .random(), now: now)
        let paid = try inventory.hold(request(seats: [103], user: "ann"), id: .random(), now: now)
        let failed = try inventory.hold(request(ga: 1, user: "ann"), id: .random(), now: now)
        _ = inventory.endHold(released.id)
        for booking in [paid, failed] { _ = inventory.beginPayment(booking.id) }
        _ = inventory.settle(paid.id, confirmed: true)
        _ = inventory.settle(failed.id, confirmed: false)
        #expect(inventory.holdings["ann"] == 1, "only the paid seat counts")
        _ = try inventory.hold(request(seats: [104, 105, 106], user: "ann"), id: .random(), now: now)
        #expect(throws: DomainError.customerCapReached(cap: 4, holding: 4, asked: 1)) {
            try inventory.hold(request(seats: [107], user: "ann"), id: .random(), now: now)
        }
    }

    @Test("one address holds up to its cap across identities, answered with when its first hold ends; paying frees the address")
    func addressCap() throws {
        var inventory = try inventory()
        let first = try inventory.hold(request(seats: [101, 102, 103], user: "g1", address: "10.0.0.1"), id: .random(), now: now)
        _ = try inventory.hold(request(seats: [104, 105, 106], user: "g2", address: "10.0.0.1"), id: .random(), now: now.addingTimeInterval(60))
        #expect(throws: DomainError.addressCapReached(cap: 6, retryAfter: 480)) {
            try inventory.hold(request(seats: [107], user: "g3", address: "10.0.0.1"), id: .random(), now: now.addingTimeInterval(120))
        }
        _ = try inventory.hold(request(seats: [107], user: "g3", address: "10.0.0.2"), id: .random(), now: now)
        _ = inventory.beginPayment(first.id)
        _ = inventory.settle(first.id, confirmed: true)
        _ = try inventory.hold(request(seats: [108], user: "g4", address: "10.0.0.1"), id: .random(), now: now)
    }

    @Test("a booking larger than the address cap is refused without a wait; a re-read keeps the addresses of the holds made here")
    func addressEdges() throws {
        var event = try Fixtures.event()
        event.details.heldPerAddress = 4
        var inventory = EventInventory(newEvent: event)
        #expect(throws: DomainError.addressCapReached(cap: 4, retryAfter: nil), "a first hold from an address counts too") {
            try inventory.hold(request(seats: [101, 102, 103, 104, 105], user: "g1", address: "10.0.0.1"), id: .random(), now: now)
        }
        let made = try inventory.hold(request(seats: [101, 102, 103], user: "g1", address: "10.0.0.1"), id: .random(), now: now)
        // What the store gives back on a re-read: the same hold, without its address.
        var reread = EventInventory(
            event: inventory.event, seats: inventory.seats, pools: inventory.pools,
            holds: inventory.holds.values.map { ActiveHold(bookingID: $0.bookingID, customer: $0.customer, seatIndexes: $0.seatIndexes, tickets: $0.tickets, expiresAt: $0.expiresAt) },
            holdings: inventory.holdings
        )
        reread.keepProcessState(of: inventory)
        #expect(reread.holds[made.id]?.address == "10.0.0.1")
        #expect(throws: DomainError.addressCapReached(cap: 4, retryAfter: 600)) {
            try reread.hold(request(seats: [105, 106], user: "g2", address: "10.0.0.1"), id: .random(), now: now)
        }
    }

    @Test("lifted caps let a customer past them, still counting")
    func lifted() throws {
        var inventory = try inventory()
        _ = try inventory.hold(request(seats: [101, 102, 103, 104], user: "bench", address: "10.0.0.1"), id: .random(), now: now, enforcingCaps: false)
        _ = try inventory.hold(request(seats: [105, 106, 107], user: "bench", address: "10.0.0.1"), id: .random(), now: now, enforcingCaps: false)
        #expect(inventory.holdings["bench"] == 7)
    }

    @Test("an event without a cap counts nothing against one")
    func uncapped() throws {
        var inventory = EventInventory(newEvent: try Fixtures.event())
        for seat in Int64(101) ... 110 { _ = try inventory.hold(request(seats: [seat], user: "ann", address: "10.0.0.1"), id: .random(), now: now) }
        #expect(inventory.availableSeats == 0)
    }
}
