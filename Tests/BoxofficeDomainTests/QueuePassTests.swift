import BoxofficeDomain
import Foundation
import Testing

/// Holds of an event sold behind a waiting room.
@Suite("Holds behind a waiting room")
struct QueuePassTests {
    let now = Fixtures.now

    func request(seats: [Int64], user: String, admitted: Bool = true) -> HoldRequest {
        var request = Fixtures.request(seats: seats, user: user)
        request.admittedTo = admitted ? EventID(rawValue: 1) : nil
        return request
    }

    @Test("a hold needs a pass for the event; once its holder paid, the pass buys nothing more, until the payment is taken back")
    func passBuysOnce() throws {
        var event = try Fixtures.event()
        event.details.queued = true
        var inventory = EventInventory(newEvent: event)
        #expect(throws: DomainError.queuePassRequired(event.id)) { try inventory.hold(request(seats: [101], user: "ann", admitted: false), id: .random(), now: now) }
        let first = try inventory.hold(request(seats: [101], user: "ann"), id: .random(), now: now)
        let second = try inventory.hold(request(seats: [102], user: "ann"), id: .random(), now: now)
        let started = [inventory.beginPayment(first.id), inventory.beginPayment(second.id)]
        #expect(started.allSatisfy { $0 != nil })
        let settled = inventory.settle(first.id, confirmed: true)
        let paid = try #require(settled)
        #expect(throws: DomainError.queuePassUsed(event.id)) { try inventory.hold(request(seats: [103], user: "ann"), id: .random(), now: now) }
        _ = try inventory.hold(request(seats: [104], user: "bob"), id: .random(), now: now)
        let settledToo = inventory.settle(second.id, confirmed: true)
        let alsoPaid = try #require(settledToo)
        // The second payment could not be written: taking it back leaves the first, which still ends the pass.
        inventory.unsettle(alsoPaid, confirmed: true)
        #expect(inventory.paidCustomers == ["ann": 1])
        inventory.unsettle(paid, confirmed: true)
        #expect(inventory.paidCustomers.isEmpty)
        _ = try inventory.hold(request(seats: [105], user: "ann"), id: .random(), now: now)
    }
}
