import BoxofficeDomain
import BoxofficeMessaging
import BoxofficePayments
import BoxofficeTestSupport
import Foundation
import Testing

@Suite("Idempotency keys in both services' databases, on SQLite and PostgreSQL")
struct IdempotencyKeyTests {
    static let now = Date(timeIntervalSince1970: 1_800_000_000)
    static let answer = RecordedAnswer(status: 201, contentType: "application/json", location: "/api/bookings/1", body: Array(#"{"id": 1}"#.utf8))

    @Test("a key is claimed once: its request again gets the answer, another request is refused, a running one waits", arguments: TestBackend.all)
    func claims(backend: TestBackend) async throws {
        try await FlowHarness.with(backend) { harness in
            let bookingKeys = try #require(harness.bookings as? any IdempotencyStore)
            let paymentKeys = try #require(harness.payments as? any IdempotencyStore)
            for keys in [bookingKeys, paymentKeys] {
                let stale = Self.now.addingTimeInterval(-10)
                let (ann, annAgain, bob, bobLater) = (UUID(), UUID(), UUID(), UUID())
                #expect(try await keys.claimIdempotencyKey("k1", owner: "ann", fingerprint: "f1", claim: ann, at: Self.now, staleBefore: stale) == .fresh)
                #expect(try await keys.claimIdempotencyKey("k1", owner: "ann", fingerprint: "f1", claim: annAgain, at: Self.now, staleBefore: stale) == .running)
                #expect(try await keys.claimIdempotencyKey("k1", owner: "ann", fingerprint: "f2", claim: annAgain, at: Self.now, staleBefore: stale) == .differentRequest)
                #expect(try await keys.claimIdempotencyKey("k1", owner: "bob", fingerprint: "f1", claim: bob, at: Self.now, staleBefore: stale) == .fresh, "keys are per owner")
                try await keys.recordIdempotentAnswer(Self.answer, key: "k1", owner: "ann", claim: ann, at: Self.now)
                #expect(try await keys.claimIdempotencyKey("k1", owner: "ann", fingerprint: "f1", claim: annAgain, at: Self.now, staleBefore: stale) == .replay(Self.answer))
                #expect(try await keys.claimIdempotencyKey("k1", owner: "ann", fingerprint: "f2", claim: annAgain, at: Self.now, staleBefore: stale) == .differentRequest)
                let later = Self.now.addingTimeInterval(600)
                #expect(
                    try await keys.claimIdempotencyKey("k1", owner: "ann", fingerprint: "f1", claim: annAgain, at: later, staleBefore: later.addingTimeInterval(-10)) == .replay(Self.answer),
                    "an answered key is never taken over"
                )
                #expect(
                    try await keys.claimIdempotencyKey("k1", owner: "bob", fingerprint: "f1", claim: bobLater, at: later, staleBefore: later.addingTimeInterval(-10)) == .fresh,
                    "an unanswered claim not renewed within the lease is taken over"
                )
                try await keys.releaseIdempotencyKey("k1", owner: "bob", claim: bob)
                #expect(try await keys.claimIdempotencyKey("k1", owner: "bob", fingerprint: "f1", claim: UUID(), at: later, staleBefore: later.addingTimeInterval(-10)) == .running,
                        "the first claim, taken over, cannot release the key from the one that took it")
                try await keys.releaseIdempotencyKey("k1", owner: "bob", claim: bobLater)
                #expect(try await keys.claimIdempotencyKey("k1", owner: "bob", fingerprint: "f3", claim: UUID(), at: later, staleBefore: stale) == .fresh, "a released key is new again")
                try await keys.releaseIdempotencyKey("k1", owner: "ann", claim: ann)
                #expect(try await keys.claimIdempotencyKey("k1", owner: "ann", fingerprint: "f1", claim: UUID(), at: later, staleBefore: stale) == .replay(Self.answer), "an answer is not released")
            }
        }
    }

    @Test("a running request renews its claim; a claim taken over after its process stopped renewing keeps the new request's answer", arguments: TestBackend.all)
    func leases(backend: TestBackend) async throws {
        try await FlowHarness.with(backend) { harness in
            let keys = try #require(harness.bookings as? any IdempotencyStore)
            let (first, second) = (UUID(), UUID())
            #expect(try await keys.claimIdempotencyKey("k", owner: "ann", fingerprint: "f", claim: first, at: Self.now, staleBefore: Self.now.addingTimeInterval(-10)) == .fresh)
            try await keys.renewIdempotencyClaim("k", owner: "ann", claim: first, at: Self.now.addingTimeInterval(8))
            let at12 = Self.now.addingTimeInterval(12)
            #expect(try await keys.claimIdempotencyKey("k", owner: "ann", fingerprint: "f", claim: second, at: at12, staleBefore: at12.addingTimeInterval(-10)) == .running,
                    "renewed at 8 s, the claim holds at 12 s")
            let at19 = Self.now.addingTimeInterval(19)
            #expect(try await keys.claimIdempotencyKey("k", owner: "ann", fingerprint: "f", claim: second, at: at19, staleBefore: at19.addingTimeInterval(-10)) == .fresh,
                    "not renewed since 8 s, it has lapsed at 19 s")
            let late = RecordedAnswer(status: 201, contentType: nil, location: nil, body: Array("first".utf8))
            try await keys.recordIdempotentAnswer(late, key: "k", owner: "ann", claim: first, at: at19)
            try await keys.recordIdempotentAnswer(Self.answer, key: "k", owner: "ann", claim: second, at: at19)
            #expect(try await keys.claimIdempotencyKey("k", owner: "ann", fingerprint: "f", claim: UUID(), at: at19, staleBefore: at19) == .replay(Self.answer),
                    "the request that lost its claim does not answer for the one that took it")
        }
    }

    @Test("keys outlive a day and are pruned after their retention", arguments: TestBackend.all)
    func retention(backend: TestBackend) async throws {
        try await FlowHarness.with(backend) { harness in
            let keys = try #require(harness.payments as? any IdempotencyStore)
            let archive = try #require(harness.payments as? any MessageArchive)
            let at = Date()
            let claim = UUID()
            _ = try await keys.claimIdempotencyKey("k", owner: "ann", fingerprint: "f", claim: claim, at: at, staleBefore: at)
            try await keys.recordIdempotentAnswer(Self.answer, key: "k", owner: "ann", claim: claim, at: at)
            _ = try await archive.prune(MessageRetention(), now: at.addingTimeInterval(86_400 + 60))
            #expect(try await keys.claimIdempotencyKey("k", owner: "ann", fingerprint: "f", claim: UUID(), at: at, staleBefore: at) == .replay(Self.answer), "kept past a day")
            _ = try await archive.prune(MessageRetention(), now: at.addingTimeInterval(3 * 86_400))
            #expect(try await keys.claimIdempotencyKey("k", owner: "ann", fingerprint: "other", claim: UUID(), at: at, staleBefore: at) == .fresh, "gone after two days")
        }
    }

    @Test("a deposit made with a key is credited once, however often and however concurrently it is retried", arguments: TestBackend.all)
    func deposits(backend: TestBackend) async throws {
        try await FlowHarness.with(backend) { harness in
            let wallet = try await harness.wallet("ann", balance: 0)
            let payments = harness.payments
            let first = try #require(try await payments.deposit(1_000, into: wallet.id, key: "top-up-1", at: Self.now))
            #expect(!first.repeated && first.account.balanceMinor == 1_000)
            let results = try await withThrowingTaskGroup(of: Deposit?.self) { group in
                for _ in 0 ..< 8 { group.addTask { try await payments.deposit(1_000, into: wallet.id, key: "top-up-1", at: Self.now) } }
                return try await group.reduce(into: [Deposit?]()) { $0.append($1) }
            }
            #expect(results.allSatisfy { $0?.repeated == true && $0?.entry.id == first.entry.id })
            let racing = try await withThrowingTaskGroup(of: Deposit?.self) { group in
                for _ in 0 ..< 8 { group.addTask { try await payments.deposit(500, into: wallet.id, key: "top-up-2", at: Self.now) } }
                return try await group.reduce(into: [Deposit?]()) { $0.append($1) }
            }
            #expect(racing.filter { $0?.repeated == false }.count == 1, "eight racing deposits with one key: one credit")
            #expect(Set(racing.compactMap { $0?.entry.id }).count == 1)
            _ = try await payments.deposit(250, into: wallet.id, at: Self.now)
            _ = try await payments.deposit(250, into: wallet.id, at: Self.now)
            #expect(try await payments.account(wallet.id)?.balanceMinor == 2_000, "1,000 + 500 once each, and two unkeyed 250s")
            #expect(try await payments.ledger(of: wallet.id, limit: 100, before: nil).count == 4)
            #expect(try await payments.deposit(1_000, into: UUID(), key: "top-up-1", at: Self.now) == nil, "no wallet, no deposit")
            await #expect(throws: DomainError.self, "the key of a deposit of 1,000 is refused for one of 999") {
                try await payments.deposit(999, into: wallet.id, key: "top-up-1", at: Self.now)
            }
            #expect(try await payments.account(wallet.id)?.balanceMinor == 2_000)
        }
    }
}
