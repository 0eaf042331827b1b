import BoxofficeDomain
import BoxofficeTestSupport
import Foundation
import Testing

/// A hold or a pay made with an `Idempotency-Key` records the key in its own transaction: what a retry finds after a
/// process died between the write's commit and its answer being kept, or before the commit.
@Suite("Keyed writes record their key with their effect, on SQLite and PostgreSQL")
struct KeyedWriteTests {
    static let now = StoreFixture.now
    static let lease: TimeInterval = 10

    /// Claims `key` for tester's request `fingerprint` at `at`, as the idempotency step does.
    static func claim(_ keys: any IdempotencyStore, _ key: String, fingerprint: String = "f", at: Date = now) async throws -> (KeyClaim, IdempotencyClaim) {
        let claim = KeyClaim(owner: "tester", key: key, claim: UUID())
        let answer = try await keys.claimIdempotencyKey(key, owner: "tester", fingerprint: fingerprint, claim: claim.claim, at: at, staleBefore: at.addingTimeInterval(-lease))
        return (claim, answer)
    }

    @Test("a hold committed with its key is found by the retry after a crash, which cannot write it again", arguments: TestBackend.all)
    func holdThenCrash(backend: TestBackend) async throws {
        try await StoreFixture.with(backend) { (fixture: StoreFixture) async throws in
            let keys = try #require(fixture.store as? any IdempotencyStore)
            let event = try await fixture.store.createEvent(try StoreFixture.draft())
            let (first, fresh) = try await Self.claim(keys, "hold-1")
            #expect(fresh == .fresh)
            let booking = StoreFixture.booking(event, seats: [0])
            #expect(try await fixture.store.apply([.hold(booking, keyClaim: first)], event: event.id, customerCap: nil).applied == [true])
            // The process dies here: no answer kept, no renewal. Within the lease the key is still running…
            let soon = Self.now.addingTimeInterval(5)
            #expect(try await Self.claim(keys, "hold-1", at: soon).1 == .running)
            // …after it, the retry takes the claim over and learns what the first run wrote.
            let later = Self.now.addingTimeInterval(Self.lease + 1)
            let (retry, found) = try await Self.claim(keys, "hold-1", at: later)
            #expect(found == .effectCommitted(booking.id.description))
            #expect(try await Self.claim(keys, "hold-1", fingerprint: "another body", at: later.addingTimeInterval(Self.lease + 1)).1 == .differentRequest,
                    "a key whose write committed is never taken over by another request")
            // Had the retry written again anyway, with its own claim, the key refuses a second effect.
            let again = StoreFixture.booking(event, seats: [1])
            #expect(try await fixture.store.apply([.hold(again, keyClaim: retry)], event: event.id, customerCap: nil) == BatchResult(applied: [false], lostKeyClaims: [0]))
            #expect(try await fixture.database.count("SELECT CAST(COUNT(*) AS TEXT) FROM bookings") == 1)
            #expect(try await fixture.database.count("SELECT CAST(COUNT(*) AS TEXT) FROM seat_claims") == 1)
        }
    }

    @Test("a write whose claim was taken over or given up writes nothing; one that loses its seat leaves its key free", arguments: TestBackend.all)
    func lostClaims(backend: TestBackend) async throws {
        try await StoreFixture.with(backend) { (fixture: StoreFixture) async throws in
            let keys = try #require(fixture.store as? any IdempotencyStore)
            let event = try await fixture.store.createEvent(try StoreFixture.draft())
            // A request stalls past its lease; a retry takes the key over; the stalled write then comes in.
            let (stalled, _) = try await Self.claim(keys, "hold-2")
            let later = Self.now.addingTimeInterval(Self.lease + 1)
            let (retry, takenOver) = try await Self.claim(keys, "hold-2", at: later)
            #expect(takenOver == .fresh, "nothing was written: the retry runs")
            let late = StoreFixture.booking(event, seats: [2])
            let mine = StoreFixture.booking(event, seats: [2])
            #expect(try await fixture.store.apply([.hold(late, keyClaim: stalled), .hold(mine, keyClaim: retry)], event: event.id, customerCap: 4)
                    == BatchResult(applied: [false, true], lostKeyClaims: [0]))
            // A request gives its key up (a 5xx) before its write reaches the database: the write makes nothing.
            let (givenUp, _) = try await Self.claim(keys, "hold-3")
            try await keys.releaseIdempotencyKey("hold-3", owner: "tester", claim: givenUp.claim)
            let stray = StoreFixture.booking(event, seats: [3])
            #expect(try await fixture.store.apply([.hold(stray, keyClaim: givenUp)], event: event.id, customerCap: nil).lostKeyClaims == [0])
            // A keyed hold that loses its seat records nothing: a retry runs anew.
            let (loser, _) = try await Self.claim(keys, "hold-4")
            let taken = StoreFixture.booking(event, seats: [2])
            #expect(try await fixture.store.apply([.hold(taken, keyClaim: loser)], event: event.id, customerCap: nil) == BatchResult(applied: [false]))
            #expect(try await Self.claim(keys, "hold-4", at: later).1 == .fresh)
            #expect(try await fixture.database.count("SELECT CAST(COUNT(*) AS TEXT) FROM bookings") == 1)
            #expect(try await fixture.database.count("SELECT CAST(COUNT(*) AS TEXT) FROM customer_holdings WHERE tickets > 0") == 1)
        }
    }

    @Test("a pay committed with its key is found by the retry; a released claim whose write committed is taken over at once", arguments: TestBackend.all)
    func payThenCrash(backend: TestBackend) async throws {
        try await StoreFixture.with(backend) { (fixture: StoreFixture) async throws in
            let keys = try #require(fixture.store as? any IdempotencyStore)
            let event = try await fixture.store.createEvent(try StoreFixture.draft())
            let booking = StoreFixture.booking(event, seats: [4])
            #expect(try await fixture.store.apply([.hold(booking)], event: event.id, customerCap: nil).applied == [true])
            let (pay, _) = try await Self.claim(keys, "pay-1")
            let start = PaymentStart(booking: booking, messageID: UUID(), at: Self.now, keyClaim: pay)
            #expect(try await fixture.store.apply([.requestPayment(start)], event: event.id, customerCap: nil).applied == [true])
            // The request fails after the commit (its answer could not be waited for) and gives its key up.
            try await keys.releaseIdempotencyKey("pay-1", owner: "tester", claim: pay.claim)
            #expect(try await Self.claim(keys, "pay-1", at: Self.now.addingTimeInterval(1)).1 == .effectCommitted(booking.id.description),
                    "no need to wait out the lease")
            #expect(try await fixture.database.count("SELECT CAST(COUNT(*) AS TEXT) FROM outbox") == 1, "one payment request")
        }
    }
}
