import BoxofficeDomain
import BoxofficeMessaging
import BoxofficePayments
import BoxofficeTestSupport
import Foundation
import Testing

@Suite("Payment requests charged in one batch, on SQLite and PostgreSQL")
struct PaymentBatchTests {
    @Test("in order: a wallet covers what it can, a booking asked twice is charged once, a repeated message does nothing", arguments: TestBackend.all)
    func batchInOrder(backend: TestBackend) async throws {
        try await FlowHarness.with(backend) { harness in
            let wallet = try await harness.wallet("bea", balance: 25_000)
            _ = try await harness.payments.createAccount(userIdentifier: "usd", currency: Currency("USD")!)
            let bookings = (0 ..< 4).map { _ in UUID() }
            func request(_ booking: UUID, _ user: String = "bea") -> PaymentRequest {
                PaymentRequest(PaymentRequested(bookingId: booking, userIdentifier: user, amountMinor: 10_000, currency: "EUR"), message: UUID())
            }
            let first = request(bookings[0])
            let batch = [
                first, first, request(bookings[1]), request(bookings[0]), request(bookings[2]), request(bookings[3], "nobody"), request(UUID(), "usd"),
            ]
            let effects = try await harness.payments.handle(batch, at: Date())
            #expect(effects.count == 6, "the repeated message counts once")
            #expect(effects[first.message]?.payment?.status == .succeeded)
            #expect(effects[first.message]?.wallet?.balanceMinor == 15_000)
            #expect(effects[batch[2].message]?.payment?.status == .succeeded)
            #expect(effects[batch[2].message]?.wallet?.balanceMinor == 5_000)
            #expect(effects[batch[3].message]?.payment?.status == .succeeded, "the same booking asked again answers its payment")
            #expect(effects[batch[3].message]?.wallet == nil, "and moves no money")
            #expect(effects[batch[4].message]?.payment?.reason == PaymentFailureReason.insufficientFunds)
            #expect(effects[batch[5].message]?.payment?.reason == PaymentFailureReason.noAccount("nobody"))
            #expect(effects[batch[6].message]?.payment?.reason == PaymentFailureReason.currencyMismatch(wallet: "USD", price: "EUR"))
            #expect(try await harness.payments.account(wallet.id)?.balanceMinor == 5_000)
            let ledger = try await harness.payments.ledger(of: wallet.id, limit: 100, before: nil).reversed()
            #expect(ledger.map(\.balanceAfterMinor) == [25_000, 15_000, 5_000], "each charge with the balance right after it")
            #expect(try await harness.payments.handle(batch, at: Date()).isEmpty, "the whole batch again is all repeats")
            #expect(try await harness.payments.account(wallet.id)?.balanceMinor == 5_000)
            #expect(try await MoneyCheck.violations(harness.database).filter { !$0.contains("succeeded but the booking") }.isEmpty)
        }
    }

    @Test("refunds in part: each credited once under its own id, never past what was charged; the payment reads refunded once all went back", arguments: TestBackend.all)
    func partialRefunds(backend: TestBackend) async throws {
        try await FlowHarness.with(backend) { harness in
            let wallet = try await harness.wallet("ria", balance: 10_000)
            let booking = UUID()
            let paid = PaymentRequest(PaymentRequested(bookingId: booking, userIdentifier: "ria", amountMinor: 6_000, currency: "EUR"), message: UUID())
            _ = try await harness.payments.handle([paid], at: Date())
            let first = UUID()
            let partial = try await harness.payments.handle(RefundRequested(bookingId: booking, refundId: first, amountMinor: 2_500), message: UUID(), at: Date())
            #expect(partial?.payment?.refundedMinor == 2_500 && partial?.payment?.status == .succeeded && partial?.wallet?.balanceMinor == 6_500)
            let over = try await harness.payments.handle(RefundRequested(bookingId: booking, refundId: UUID(), amountMinor: 4_000), message: UUID(), at: Date())
            #expect(over != nil && over?.payment == nil, "more than is left: refused, nothing moves")
            let free = try await harness.payments.handle(RefundRequested(bookingId: booking, refundId: UUID(), amountMinor: 0), message: UUID(), at: Date())
            #expect(free?.payment?.refundedMinor == 2_500, "a named refund of free tickets is answered, and returns nothing")
            let rest = try await harness.payments.handle(RefundRequested(bookingId: booking, refundId: UUID(), amountMinor: 3_500), message: UUID(), at: Date())
            #expect(rest?.payment?.status == .refunded && rest?.payment?.refundedMinor == 6_000 && rest?.wallet?.balanceMinor == 10_000)
            #expect(try await harness.payments.handle(RefundRequested(bookingId: booking), message: UUID(), at: Date())?.payment == nil, "nothing left to return")
            let entries = try await harness.payments.ledger(ofBooking: booking)
            #expect(entries.map(\.amountMinor) == [-6_000, 2_500, 0, 3_500] && entries[1].id == first, "the refund's ledger entry has the refund's id")
            #expect(try await harness.payments.account(wallet.id)?.balanceMinor == 10_000)
        }
    }
}
