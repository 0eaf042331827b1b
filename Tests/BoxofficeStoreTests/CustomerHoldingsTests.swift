import BoxofficeDomain
import BoxofficeTestSupport
import Foundation
import Testing

/// The customer cap as the database keeps it: counted in the batch, across every process on the database.
@Suite("What each customer holds, counted in the database, on SQLite and PostgreSQL")
struct CustomerHoldingsTests {
    static func capped() throws -> EventDraft { try StoreFixture.draft(customerCap: 4) }

    @Test("holds of one customer from two processes stop at the cap; a release gives back; the count is read back at load", arguments: TestBackend.all)
    func acrossProcesses(backend: TestBackend) async throws {
        try await StoreFixture.with(backend) { (fixture: StoreFixture) async throws in
            let event = try await fixture.store.createEvent(try Self.capped())
            let first = StoreFixture.booking(event, seats: [0, 1, 2])
            #expect(try await fixture.store.apply([.hold(first)], event: event.id, customerCap: 4).applied == [true])
            // Another process, whose memory knows nothing of the first hold, is refused by the database.
            let second = StoreFixture.booking(event, seats: [3, 4])
            #expect(try await fixture.sibling { try await $0.apply([.hold(second)], event: event.id, customerCap: 4) } == BatchResult(applied: [false], overCap: [0]))
            #expect(try await fixture.database.count("SELECT CAST(COUNT(*) AS TEXT) FROM seat_claims") == 3, "the refused hold left no claim")
            let other = StoreFixture.booking(event, ga: 2)
            var someoneElse = other
            someoneElse.userIdentifier = "someone-else"
            #expect(try await fixture.store.apply([.hold(someoneElse)], event: event.id, customerCap: 4).applied == [true])
            #expect(try await fixture.store.loadInventory(of: event).holdings == ["tester": 3, "someone-else": 2])
            #expect(try await fixture.store.apply([StoreFixture.ended(first)], event: event.id, customerCap: 4).applied == [true])
            #expect(try await fixture.sibling { try await $0.apply([.hold(second)], event: event.id, customerCap: 4).applied } == [true])
            #expect(try await fixture.store.loadInventory(of: event).holdings == ["tester": 2, "someone-else": 2])
        }
    }

    @Test("in one batch, a customer's holds that fit together are written together; ones that lose a seat give their count back", arguments: TestBackend.all)
    func inOneBatch(backend: TestBackend) async throws {
        try await StoreFixture.with(backend) { (fixture: StoreFixture) async throws in
            let event = try await fixture.store.createEvent(try Self.capped())
            let taken = StoreFixture.booking(event, seats: [5])
            var owner = taken
            owner.userIdentifier = "owner"
            #expect(try await fixture.store.apply([.hold(owner)], event: event.id, customerCap: 4).applied == [true])
            let fits = [StoreFixture.booking(event, seats: [0]), StoreFixture.booking(event, ga: 2)]
            let loses = StoreFixture.booking(event, seats: [5])
            #expect(try await fixture.store.apply(fits.map { .hold($0) } + [.hold(loses)], event: event.id, customerCap: 4) == BatchResult(applied: [true, true, false]), "the third lost its seat, not to the cap")
            #expect(try await fixture.store.loadInventory(of: event).holdings["tester"] == 3)
            let over = [StoreFixture.booking(event, seats: [1]), StoreFixture.booking(event, seats: [2])]
            #expect(try await fixture.store.apply(over.map { .hold($0) }, event: event.id, customerCap: 4) == BatchResult(applied: [false, false], overCap: [0, 1]), "5 > 4: the customer's part of the batch is refused")
        }
    }
}
