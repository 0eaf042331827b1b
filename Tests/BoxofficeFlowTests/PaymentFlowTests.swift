import BoxofficeDomain
import BoxofficeEngine
import BoxofficeMessaging
import BoxofficePayments
import BoxofficeTestSupport
import Foundation
import Testing

@Suite("The payment flow between the two services, on SQLite and PostgreSQL")
struct PaymentFlowTests {
    @Test("a paid booking is confirmed and its seat sold; the wallet is charged once", arguments: TestBackend.all)
    func confirmed(backend: TestBackend) async throws {
        try await FlowHarness.with(backend) { (harness: FlowHarness) async throws in
            let wallet = try await harness.wallet("ann", balance: 25_000)
            let booking = try await harness.hold([3], for: "ann")
            #expect(try await harness.engine.pay(booking.id).status == .paymentPending)
            #expect(try harness.engine.engine(for: booking.eventID).snapshot.seats[2] == .held)
            await harness.deliverAll()
            #expect(try await harness.engine.booking(booking.id).status == .confirmed)
            #expect(try harness.engine.engine(for: booking.eventID).snapshot.seats[2] == .sold)
            #expect(try await harness.payments.account(wallet.id)?.balanceMinor == 15_000)
            #expect(try await MoneyCheck.violations(harness.database).isEmpty)
        }
    }

    @Test("a booking the wallet cannot pay is cancelled and its seat goes back on sale", arguments: TestBackend.all)
    func cancelled(backend: TestBackend) async throws {
        try await FlowHarness.with(backend) { (harness: FlowHarness) async throws in
            let wallet = try await harness.wallet("ben", balance: 5_000)
            let booking = try await harness.hold([4], for: "ben")
            _ = try await harness.engine.pay(booking.id)
            await harness.deliverAll()
            #expect(try await harness.engine.booking(booking.id).status == .cancelled)
            #expect(try harness.engine.engine(for: booking.eventID).snapshot.seats[3] == .available)
            #expect(try await harness.payments.account(wallet.id)?.balanceMinor == 5_000)
            #expect(try await harness.payments.payment(for: booking.id.rawValue)?.reason == PaymentFailureReason.insufficientFunds)
        }
    }

    @Test("a customer without a wallet gets a cancelled booking", arguments: TestBackend.all)
    func noWallet(backend: TestBackend) async throws {
        try await FlowHarness.with(backend) { (harness: FlowHarness) async throws in
            let booking = try await harness.hold([5], for: "nobody")
            _ = try await harness.engine.pay(booking.id)
            await harness.deliverAll()
            #expect(try await harness.engine.booking(booking.id).status == .cancelled)
        }
    }

    @Test("paying twice asks once; a booking past holding cannot be paid", arguments: TestBackend.all)
    func payRules(backend: TestBackend) async throws {
        try await FlowHarness.with(backend) { (harness: FlowHarness) async throws in
            try await harness.wallet("cid", balance: 50_000)
            let booking = try await harness.hold([6], for: "cid")
            _ = try await harness.engine.pay(booking.id)
            _ = try await harness.engine.pay(booking.id)
            #expect(try await harness.pendingBookingMessages().count == 1)
            let released = try await harness.hold([7], for: "cid")
            _ = try await harness.engine.release(released.id)
            await #expect(throws: DomainError.bookingStateConflict(released.id, .released, action: "paid")) {
                try await harness.engine.pay(released.id)
            }
        }
    }

    @Test("a payment that succeeds for a booking already given up is refunded", arguments: TestBackend.all)
    func refund(backend: TestBackend) async throws {
        try await FlowHarness.with(backend) { (harness: FlowHarness) async throws in
            let wallet = try await harness.wallet("dan", balance: 30_000)
            let booking = try await harness.hold([8], for: "dan")
            _ = try await harness.engine.release(booking.id)
            // A payment request for it arrives anyway (as after a crash between two services' views).
            let request = PaymentRequested(bookingId: booking.id.rawValue, userIdentifier: "dan", amountMinor: 10_000, currency: "EUR")
            try await harness.transport.publish(try Message(request, at: Date()))
            #expect(try await harness.payments.account(wallet.id)?.balanceMinor == 20_000)
            await harness.deliverAll()
            #expect(try await harness.engine.booking(booking.id).status == .refunded)
            #expect(try await harness.payments.account(wallet.id)?.balanceMinor == 30_000)
            #expect(try await harness.payments.payment(for: booking.id.rawValue)?.status == .refunded)
            #expect(try await MoneyCheck.violations(harness.database).isEmpty)
        }
    }

    @Test("the seed's scenario: five concurrent payments of the whole balance give one confirmed, four cancelled, balance 0", arguments: TestBackend.all)
    func fiveConcurrentPayments(backend: TestBackend) async throws {
        try await FlowHarness.with(backend) { (harness: FlowHarness) async throws in
            let wallet = try await harness.wallet("eve", balance: 10_000)
            var bookings: [Booking] = []
            for seat in Int64(11) ... 15 { bookings.append(try await harness.hold([seat], for: "eve")) }
            try await withThrowingTaskGroup(of: Void.self) { group in
                for booking in bookings { group.addTask { _ = try await harness.engine.pay(booking.id) } }
                try await group.waitForAll()
            }
            await harness.deliverAll()
            var statuses: [BookingStatus] = []
            for booking in bookings { statuses.append(try await harness.engine.booking(booking.id).status) }
            #expect(statuses.filter { $0 == .confirmed }.count == 1)
            #expect(statuses.filter { $0 == .cancelled }.count == 4)
            #expect(try await harness.payments.account(wallet.id)?.balanceMinor == 0)
            #expect(try await MoneyCheck.violations(harness.database).isEmpty)
        }
    }
}
