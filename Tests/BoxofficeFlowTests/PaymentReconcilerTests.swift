import BoxofficeDomain
import BoxofficeEngine
import BoxofficeMessaging
import BoxofficePayments
import BoxofficeTestSupport
import Foundation
import Logging
import Testing

/// A payment request or outcome lost for good (dead-lettered, deleted) must not strand its booking.
@Suite("Bookings waiting too long for their payment are asked about again, on SQLite and PostgreSQL")
struct PaymentReconcilerTests {
    /// A reconciler whose clock runs a minute ahead, so every waiting booking is overdue.
    private static func reconciler(_ harness: FlowHarness) -> PaymentReconciler {
        PaymentReconciler(store: harness.bookings, after: .seconds(30), now: { Date().addingTimeInterval(60) }, logger: Logger(label: "reconciler"))
    }

    @Test("a payment request that never reached the payment service: asked again, charged once, confirmed", arguments: TestBackend.all)
    func lostRequest(backend: TestBackend) async throws {
        try await FlowHarness.with(backend) { (harness: FlowHarness) async throws in
            let wallet = try await harness.wallet("lea", balance: 25_000)
            let booking = try await harness.hold([5], for: "lea")
            _ = try await harness.engine.pay(booking.id)
            try await harness.bookings.markSent(try await harness.pendingBookingMessages().map(\.id))
            await harness.deliverAll()
            #expect(try await harness.engine.booking(booking.id).status == .paymentPending, "the request is lost")
            #expect(await PaymentReconciler(store: harness.bookings, logger: Logger(label: "r")).reconcileOnce() == 0, "not overdue yet")

            #expect(await Self.reconciler(harness).reconcileOnce() == 1)
            #expect(await Self.reconciler(harness).reconcileOnce() == 0, "asked once per wait")
            await harness.deliverAll()
            #expect(try await harness.engine.booking(booking.id).status == .confirmed)
            #expect(try await harness.payments.account(wallet.id)?.balanceMinor == 15_000)
            #expect(try await MoneyCheck.violations(harness.database).isEmpty)
        }
    }

    @Test("an outcome that never reached the booking service: the payment service says it again, charging nothing", arguments: TestBackend.all)
    func lostOutcome(backend: TestBackend) async throws {
        try await FlowHarness.with(backend) { (harness: FlowHarness) async throws in
            let wallet = try await harness.wallet("max", balance: 25_000)
            let booking = try await harness.hold([6], for: "max")
            _ = try await harness.engine.pay(booking.id)
            let requests = try await harness.pendingBookingMessages()
            for request in requests { try await harness.transport.publish(request) }
            try await harness.bookings.markSent(requests.map(\.id))
            try await harness.payments.markSent(try await harness.payments.unsentMessages(limit: 100).map(\.id))
            #expect(try await harness.engine.booking(booking.id).status == .paymentPending, "the outcome is lost")
            #expect(try await MoneyCheck.violations(harness.database).contains { $0.contains("succeeded") },
                    "a charged booking still waiting is a violation the money check sees")

            #expect(await Self.reconciler(harness).reconcileOnce() == 1)
            await harness.deliverAll()
            #expect(try await harness.engine.booking(booking.id).status == .confirmed)
            #expect(try await harness.payments.account(wallet.id)?.balanceMinor == 15_000, "charged once")
            #expect(try await MoneyCheck.violations(harness.database).isEmpty)
        }
    }
}

@Suite("Dead letters listed and put back, on SQLite and PostgreSQL")
struct DeadLetterReplayTests {
    @Test("a payment request the payment service gave up on is listed, put back in the booking outbox, and then processed", arguments: TestBackend.all)
    func replay(backend: TestBackend) async throws {
        try await FlowHarness.with(backend) { (harness: FlowHarness) async throws in
            let wallet = try await harness.wallet("noa", balance: 25_000)
            let booking = try await harness.hold([7], for: "noa")
            _ = try await harness.engine.pay(booking.id)
            let request = try #require(try await harness.pendingBookingMessages().first)
            try await harness.payments.recordDeadLetter(request, consumer: PaymentProcessor.consumer, error: "gave up")
            try await harness.bookings.markSent([request.id])
            let archive = try #require(harness.payments as? any MessageArchive)
            let letters = try await archive.deadLetters(limit: 10)
            #expect(letters.map(\.message.id) == [request.id])
            #expect(letters.first?.message.payload == request.payload)
            #expect(letters.first?.consumer == PaymentProcessor.consumer)

            try await harness.bookings.requeue(request)
            try await archive.removeDeadLetter(request.id, consumer: PaymentProcessor.consumer)
            #expect(try await archive.deadLetters(limit: 10).isEmpty)
            #expect(try await harness.pendingBookingMessages().map(\.id) == [request.id], "the same message, unsent again")
            await harness.deliverAll()
            #expect(try await harness.engine.booking(booking.id).status == .confirmed)
            #expect(try await harness.payments.account(wallet.id)?.balanceMinor == 15_000)

            let lost = try Message(PaymentRequested(bookingId: UUID(), userIdentifier: "x", amountMinor: 1, currency: "EUR"), at: Date())
            try await harness.bookings.requeue(lost)
            #expect(try await harness.pendingBookingMessages().map(\.id) == [lost.id], "a message the outbox no longer has gets a new row")
        }
    }
}

@Suite("Housekeeping of the message tables and seat claims, on SQLite and PostgreSQL")
struct HousekeepingTests {
    @Test("old inbox records, sent outbox rows and dead letters are pruned; unsent rows and recent ones stay", arguments: TestBackend.all)
    func prune(backend: TestBackend) async throws {
        try await FlowHarness.with(backend) { (harness: FlowHarness) async throws in
            try await harness.wallet("ola", balance: 25_000)
            _ = try await harness.engine.pay(try await harness.hold([8], for: "ola").id)
            await harness.deliverAll()
            _ = try await harness.engine.pay(try await harness.hold([9], for: "ola").id)
            try await harness.bookings.recordDeadLetter(try Message(Note(), at: Date()), consumer: "booking", error: "test")
            let archive = harness.bookings
            #expect(try await archive.prune(MessageRetention(), now: Date()) == 0, "nothing is old yet")
            let removed = try await archive.prune(MessageRetention(), now: Date().addingTimeInterval(40 * 86_400))
            #expect(removed == 3, "the inbox record of the outcome, the sent request, the dead letter")
            #expect(try await harness.pendingBookingMessages().count == 1, "the unsent request stays")
            #expect(try await archive.deadLetters(limit: 10).isEmpty)
        }
    }

    @Test("a seat claim without its booking is removed while running and its seat is on sale again", arguments: TestBackend.all)
    func orphanClaims(backend: TestBackend) async throws {
        try await FlowHarness.with(backend) { (harness: FlowHarness) async throws in
            let event = EventID(rawValue: 1)
            _ = try await harness.database.rows(
                backend == .postgres
                    ? "INSERT INTO seat_claims (seat_id, event_id, booking_id, status) VALUES (11, 1, '\(UUID().uuidString)', 'held')"
                    : "INSERT INTO seat_claims (seat_id, event_id, booking_id, status) VALUES (11, 1, '\(UUID().uuidString.lowercased())', 'held')"
            )
            let engine = try harness.engine.engine(for: event)
            func seat11(becomes status: SeatStatus) async throws -> Bool {
                let deadline = ContinuousClock.now + .seconds(5)
                while engine.snapshot.seats[10] != status, ContinuousClock.now < deadline { try await Task.sleep(for: .milliseconds(20)) }
                return engine.snapshot.seats[10] == status
            }
            await harness.engine.follow(event, .any)
            #expect(try await seat11(becomes: .held), "the orphan claim blocks the seat")
            let housekeeping = Housekeeping(engine: harness.engine, store: harness.bookings, logger: Logger(label: "housekeeping"))
            #expect(await housekeeping.removeOrphanClaims() == [event])
            #expect(try await seat11(becomes: .available))
            #expect(try await harness.hold([11], for: "pia").status == .held)
        }
    }

    private struct Note: MessageBody {
        static let type = "note"
    }
}
