import BoxofficeDomain
import BoxofficeStorage
import BoxofficeTestSupport
import Foundation
import Testing

@Suite("Buying at once, on SQLite and PostgreSQL")
struct BuyStoreTests {
    @Test("a buy writes its booking as payment_pending with its claims, its payment request and its history in one batch; one that loses a seat writes none of them", arguments: TestBackend.all)
    func buy(backend: TestBackend) async throws {
        try await StoreFixture.with(backend) { (fixture: StoreFixture) async throws in
            let event = try await fixture.store.createEvent(try StoreFixture.draft())
            let bought = Self.start(StoreFixture.booking(event, seats: [0, 1], ga: 1))
            #expect(try await fixture.store.apply([.buy(bought)], event: event.id) == [true])
            #expect(try await fixture.store.booking(bought.booking.id) == bought.booking, "written as payment_pending")
            var inventory = try await fixture.store.loadInventory(of: event)
            #expect(inventory.seats[0] == .held && inventory.seats[1] == .held)
            #expect(inventory.pending[bought.booking.id] != nil && inventory.holds[bought.booking.id] == nil, "waiting for its payment, never expiring")
            #expect(inventory.pools[event.gaPools[0].id]?.held == 1)
            #expect(try await fixture.database.count("SELECT CAST(COUNT(*) AS TEXT) FROM outbox") == 1, "its payment request")
            #expect(try await fixture.database.count("SELECT CAST(COUNT(*) AS TEXT) FROM booking_history WHERE kind = 'payment_requested'") == 1)

            // Seats only, so the statement that claims and inserts at once: the loser's other seat is not left claimed.
            let loser = Self.start(StoreFixture.booking(event, seats: [1, 2]))
            let bystander = Self.start(StoreFixture.booking(event, seats: [3]))
            #expect(try await fixture.store.apply([.buy(loser), .buy(bystander)], event: event.id) == [false, true])
            #expect(try await fixture.store.booking(loser.booking.id) == nil)
            inventory = try await fixture.store.loadInventory(of: event)
            #expect(inventory.seats[2] == .available && inventory.seats[3] == .held)
            #expect(try await fixture.database.count("SELECT CAST(COUNT(*) AS TEXT) FROM outbox") == 2, "no payment request for the loser")
            #expect(try await fixture.database.count("SELECT CAST(COUNT(*) AS TEXT) FROM booking_history WHERE kind = 'payment_requested'") == 2)
        }
    }

    @Test("buys count against the customer cap as holds do, and a cancelled one gives its count back; a hold that loses a seat beside a buy leaves the buy whole", arguments: TestBackend.all)
    func capsAndNeighbours(backend: TestBackend) async throws {
        try await StoreFixture.with(backend) { (fixture: StoreFixture) async throws in
            let event = try await fixture.store.createEvent(try StoreFixture.draft(customerCap: 4))
            let bought = Self.start(StoreFixture.booking(event, seats: [0, 1, 2]))
            #expect(try await fixture.store.apply([.buy(bought)], event: event.id, customerCap: 4).applied == [true])
            #expect(try await fixture.store.loadInventory(of: event).holdings["tester"] == 3)
            // Another process, whose memory knows nothing of the buy, is refused by the database.
            let over = Self.start(StoreFixture.booking(event, seats: [3, 4]))
            #expect(try await fixture.sibling { try await $0.apply([.buy(over)], event: event.id, customerCap: 4) } == BatchResult(applied: [false], overCap: [0]))
            #expect(try await fixture.store.booking(over.booking.id) == nil)
            #expect(try await fixture.database.count("SELECT CAST(COUNT(*) AS TEXT) FROM outbox") == 1, "no payment request for the buy over the cap")

            var owner = StoreFixture.booking(event, seats: [5])
            owner.userIdentifier = "owner"
            #expect(try await fixture.store.apply([.hold(owner)], event: event.id, customerCap: 4).applied == [true])
            var loser = StoreFixture.booking(event, seats: [5, 6])
            loser.userIdentifier = "loser"
            var neighbour = Self.start(StoreFixture.booking(event, seats: [7]))
            neighbour.booking.userIdentifier = "neighbour"
            #expect(try await fixture.store.apply([.hold(loser), .buy(neighbour)], event: event.id, customerCap: 4).applied == [false, true])
            var inventory = try await fixture.store.loadInventory(of: event)
            #expect(inventory.seats[6] == .available && inventory.seats[7] == .held, "the loser's other seat is not left claimed")
            #expect(inventory.pending[neighbour.booking.id] != nil)
            #expect(inventory.holdings["loser"] ?? 0 == 0 && inventory.holdings["neighbour"] == 1)
            #expect(try await fixture.database.count("SELECT CAST(COUNT(*) AS TEXT) FROM outbox") == 2, "the neighbour's payment request")

            let cancelled = Settlement(
                bookingID: bought.booking.id, customer: "tester", seatIDs: bought.booking.seatIDs, tickets: [], confirmed: false, messageID: UUID(), at: StoreFixture.now
            )
            #expect(try await fixture.store.apply([.settle(cancelled)], event: event.id, customerCap: 4).applied == [true])
            inventory = try await fixture.store.loadInventory(of: event)
            #expect(inventory.holdings["tester"] ?? 0 == 0, "a cancelled buy gives its tickets back to the cap")
            #expect(inventory.seats[0] == .available && inventory.seats[2] == .available)
            #expect(try await fixture.sibling { try await $0.apply([.buy(over)], event: event.id, customerCap: 4).applied } == [true], "so the buy refused before fits now")
        }
    }

    /// The start of a buy of `booking`: the booking as it is written, `payment_pending`.
    private static func start(_ booking: Booking) -> PaymentStart {
        var booking = booking
        booking.status = .paymentPending
        return PaymentStart(booking: booking, messageID: UUID(), at: StoreFixture.now)
    }
}
