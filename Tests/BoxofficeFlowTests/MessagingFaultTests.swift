import BoxofficeDomain
import BoxofficeEngine
import BoxofficeMessaging
import BoxofficePayments
import BoxofficeTestSupport
import Foundation
import Logging
import Synchronization
import Testing

@Suite("Faults in the message flow, on SQLite and PostgreSQL: every effect happens once")
struct MessagingFaultTests {
    /// A paid booking whose messages have not travelled yet.
    static func pending(_ harness: FlowHarness, seat: Int64, user: String, balance: Int64) async throws -> (Booking, Account) {
        let wallet = try await harness.wallet(user, balance: balance)
        let booking = try await harness.hold([seat], for: user)
        _ = try await harness.engine.pay(booking.id)
        return (booking, wallet)
    }

    @Test("every message type delivered twice has its effect once", arguments: TestBackend.all)
    func duplicates(backend: TestBackend) async throws {
        try await FlowHarness.with(backend) { (harness: FlowHarness) async throws in
            let (paid, wallet) = try await Self.pending(harness, seat: 21, user: "fay", balance: 10_000)
            let request = try #require(try await harness.pendingBookingMessages().first)
            for _ in 0 ..< 2 { try await harness.processor.handle(request) }
            let outcomes = try await harness.payments.unsentMessages(limit: 10)
            #expect(outcomes.map(\.type) == [PaymentSucceeded.type])
            for _ in 0 ..< 2 { try await harness.consumer.handle(outcomes[0]) }
            #expect(try await harness.engine.booking(paid.id).status == .confirmed)
            #expect(try await harness.payments.account(wallet.id)?.balanceMinor == 0)

            let (failed, _) = try await Self.pending(harness, seat: 22, user: "gus", balance: 100)
            await harness.deliverAll()
            #expect(try await harness.engine.booking(failed.id).status == .cancelled)
            let failure = try Message(PaymentFailed(bookingId: failed.id.rawValue, reason: "again"), at: Date())
            for _ in 0 ..< 2 { try await harness.consumer.handle(failure) }
            #expect(try await harness.engine.booking(failed.id).status == .cancelled)

            let given = try await harness.hold([23], for: "fay")
            _ = try await harness.engine.release(given.id)
            _ = try await harness.payments.deposit(10_000, into: wallet.id, at: Date())
            let late = try Message(PaymentRequested(bookingId: given.id.rawValue, userIdentifier: "fay", amountMinor: 10_000, currency: "EUR"), at: Date())
            try await harness.processor.handle(late)
            await harness.deliverAll()
            let refund = try Message(RefundRequested(bookingId: given.id.rawValue), at: Date())
            for _ in 0 ..< 2 { try await harness.processor.handle(refund) }
            let refunded = try Message(PaymentRefunded(bookingId: given.id.rawValue, amountMinor: 10_000), at: Date())
            for _ in 0 ..< 2 { try await harness.consumer.handle(refunded) }
            #expect(try await harness.payments.account(wallet.id)?.balanceMinor == 10_000)
            #expect(try await harness.engine.booking(given.id).status == .refunded)
            #expect(try await MoneyCheck.violations(harness.database).isEmpty)
        }
    }

    @Test("a relay that crashes after publishing but before marking sent re-sends; the effect stays once", arguments: TestBackend.all)
    func relayCrash(backend: TestBackend) async throws {
        try await FlowHarness.with(backend) { (harness: FlowHarness) async throws in
            let (booking, wallet) = try await Self.pending(harness, seat: 31, user: "hal", balance: 10_000)
            let forgetful = ForgetfulOutbox(harness.bookings)
            // Its claim lapses at once, as a crashed relay's does after the lease: the next relay takes the row.
            let relay = OutboxRelay(name: "crashing", outbox: forgetful, transport: harness.transport, wakeup: Wakeup(), lease: .zero, logger: .init(label: "t"))
            #expect(await relay.relayOnce() == 0, "published, but the mark was lost")
            #expect(try await harness.pendingBookingMessages().count == 1)
            await harness.deliverAll()
            #expect(try await harness.engine.booking(booking.id).status == .confirmed)
            #expect(try await harness.payments.account(wallet.id)?.balanceMinor == 0)
            #expect(try await harness.database.count("SELECT CAST(COUNT(*) AS TEXT) FROM ledger WHERE kind = 'charge'", of: .payments) == 1)
            #expect(try await MoneyCheck.violations(harness.database).isEmpty)
        }
    }

    @Test("a consumer that crashes after its commit but before the ack gets the message again and skips it", arguments: TestBackend.all)
    func consumerCrash(backend: TestBackend) async throws {
        try await FlowHarness.with(backend) { (harness: FlowHarness) async throws in
            let (booking, wallet) = try await Self.pending(harness, seat: 32, user: "ida", balance: 10_000)
            let request = try #require(try await harness.pendingBookingMessages().first)
            let attempts = Atomic<Int>(0)
            let crashing: @Sendable (Message) async throws -> Void = { message in
                try await harness.processor.handle(message)
                if attempts.add(1, ordering: .relaxed).newValue == 1 { throw CrashBeforeAck() }
            }
            try await RedeliveringTransport.deliver(request, to: crashing)
            #expect(attempts.load(ordering: .relaxed) == 2)
            await harness.deliverAll()
            #expect(try await harness.engine.booking(booking.id).status == .confirmed)
            #expect(try await harness.payments.account(wallet.id)?.balanceMinor == 0)
            #expect(try await harness.database.count("SELECT CAST(COUNT(*) AS TEXT) FROM ledger WHERE kind = 'charge'", of: .payments) == 1)
        }
    }

    @Test("a message that keeps failing is dead-lettered and kept, not dropped", arguments: TestBackend.all)
    func deadLetter(backend: TestBackend) async throws {
        try await FlowHarness.with(backend) { (harness: FlowHarness) async throws in
            let poison = Message(type: PaymentRequested.type, payload: Data("{\"not\": \"a payment\"}".utf8), occurredAt: Date())
            try await harness.transport.publish(poison)
            #expect(harness.transport.deadLetterCount == 1)
            #expect(try await harness.database.count("SELECT CAST(COUNT(*) AS TEXT) FROM dead_letters", of: .payments) == 1)
        }
    }
}

/// An outbox whose first `markSent` is lost, as if the relay crashed right after publishing.
final class ForgetfulOutbox: OutboxStore {
    private let outbox: any OutboxStore
    private let forgot = Atomic<Bool>(false)

    init(_ outbox: any OutboxStore) {
        self.outbox = outbox
    }

    func unsentMessages(limit: Int) async throws -> [Message] { try await outbox.unsentMessages(limit: limit) }

    func claimUnsent(limit: Int, lease: Duration) async throws -> [Message] { try await outbox.claimUnsent(limit: limit, lease: lease) }

    func markSent(_ ids: [UUID]) async throws {
        guard forgot.exchange(true, ordering: .relaxed) else { throw CrashBeforeAck() }
        try await outbox.markSent(ids)
    }

    func releaseClaims(_ ids: [UUID]) async throws { try await outbox.releaseClaims(ids) }
}

/// Delivers a message until its handler returns, as a broker redelivers an unacknowledged message.
enum RedeliveringTransport {
    static func deliver(_ message: Message, to handler: @Sendable (Message) async throws -> Void) async throws {
        for _ in 0 ..< 5 {
            do {
                try await handler(message)
                return
            } catch is CrashBeforeAck {
                continue
            }
        }
    }
}

/// The process died between its commit and its acknowledgement.
struct CrashBeforeAck: Error {}

@Suite("Two booking instances, one database: an outcome reaching the one that is behind")
struct StaleInstanceTests {
    @Test("it is retried after that instance catches up, never recorded without its effect", arguments: TestBackend.all)
    func behind(backend: TestBackend) async throws {
        try await FlowHarness.with(backend) { (harness: FlowHarness) async throws in
            var logger = Logger(label: "stale")
            logger.logLevel = .critical
            let stale = BookingEngine(store: harness.bookings, logger: logger)
            try await stale.start()
            let staleConsumer = BookingPaymentConsumer(engine: stale, transport: harness.transport, deadLetters: harness.bookings)

            try await harness.wallet("kim", balance: 100)
            let booking = try await harness.hold([41], for: "kim")
            _ = try await harness.engine.pay(booking.id)
            try await harness.processor.handle(try #require(try await harness.pendingBookingMessages().first))
            let failure = try #require(try await harness.payments.unsentMessages(limit: 10).first)
            #expect(failure.type == PaymentFailed.type)

            await #expect(throws: (any Error).self) { try await staleConsumer.handle(failure) }
            #expect(try await harness.engine.booking(booking.id).status == .paymentPending, "nothing recorded without its effect")
            try await staleConsumer.handle(failure)
            #expect(try await harness.engine.booking(booking.id).status == .cancelled)
            try await harness.consumer.handle(failure)
            #expect(try await harness.engine.booking(booking.id).status == .cancelled)
            #expect(try await harness.database.count("SELECT CAST(COUNT(*) AS TEXT) FROM seat_claims") == 0)
        }
    }
}
