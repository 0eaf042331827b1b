import BoxofficeDomain
import BoxofficeMessaging
import Foundation

/// What the payment service's writes mean, once for every store, over a ``PaymentTransaction``.
public enum PaymentApplier {
    /// Creates the customer's wallet, or returns the one they have.
    public static func createAccount(userIdentifier: String, currency: Currency, at: Date, in transaction: some PaymentTransaction) async throws -> (Account, created: Bool) {
        let fresh = Account(id: UUID(), userIdentifier: userIdentifier, balanceMinor: 0, currency: currency)
        if try await transaction.insertAccount(fresh, at: at) { return (fresh, true) }
        guard let existing = try await transaction.account(ofUser: userIdentifier) else { throw MissingAccount(id: nil) }
        return (existing, false)
    }

    /// Puts money into a wallet and appends the deposit to its ledger.
    /// - Returns: the entry and the wallet after it, or nil when there is no such wallet.
    public static func deposit(_ amountMinor: Int64, into account: UUID, at: Date, in transaction: some PaymentTransaction) async throws -> Deposit? {
        guard let wallet = try await transaction.credit(amountMinor, to: account) else { return nil }
        let entry = try await appendLedger(.deposit, amountMinor, wallet: wallet, booking: nil, at: at, in: transaction)
        return Deposit(entry: entry, account: wallet)
    }

    /// Charges a booking's customer once: the payment found (a repeat says its outcome again and charges
    /// nothing), else the wallet debited if it holds enough in the right currency, the payment recorded,
    /// the ledger appended, and the outcome (`payment.succeeded` or `payment.failed`) written to the outbox.
    /// - Returns: what changed; nil when the message was processed before.
    /// - Throws: ``ConcurrentPayment`` when another transaction recorded this booking's payment first; the
    ///   caller's transaction is then rolled back and the message, delivered again, finds that payment.
    public static func pay(_ request: PaymentRequested, message: UUID, at: Date, in transaction: some PaymentTransaction) async throws -> PaymentEffect? {
        guard try await transaction.recordInbox(message, at: at) else { return nil }
        if let previous = try await transaction.lockPayment(of: request.bookingId) {
            try await transaction.appendOutbox([try outcome(of: previous, at: at)])
            return PaymentEffect(payment: previous, wallet: nil)
        }
        var payment = Payment(
            bookingID: request.bookingId, accountID: nil, amountMinor: request.amountMinor, currency: request.currency, status: .failed, reason: nil
        )
        var charged: Account?
        if let account = try await transaction.account(ofUser: request.userIdentifier) {
            payment.accountID = account.id
            if account.currency.code != request.currency {
                payment.reason = PaymentFailureReason.currencyMismatch(wallet: account.currency.code, price: request.currency)
            } else if let wallet = try await transaction.debit(request.amountMinor, from: account.id) {
                payment.status = .succeeded
                charged = wallet
                _ = try await appendLedger(.charge, -request.amountMinor, wallet: wallet, booking: request.bookingId, at: at, in: transaction)
            } else {
                payment.reason = PaymentFailureReason.insufficientFunds
            }
        } else {
            payment.reason = PaymentFailureReason.noAccount(request.userIdentifier)
        }
        guard try await transaction.insertPayment(payment, at: at) else { throw ConcurrentPayment(booking: request.bookingId) }
        try await transaction.appendOutbox([try outcome(of: payment, at: at)])
        return PaymentEffect(payment: payment, wallet: charged)
    }

    /// Returns a succeeded payment to its wallet, appends the refund to the ledger and writes `payment.refunded`;
    /// a booking without a succeeded payment changes nothing.
    /// - Returns: what changed; nil when the message was processed before.
    public static func refund(_ request: RefundRequested, message: UUID, at: Date, in transaction: some PaymentTransaction) async throws -> PaymentEffect? {
        guard try await transaction.recordInbox(message, at: at) else { return nil }
        guard let payment = try await transaction.markRefunded(booking: request.bookingId, at: at), let account = payment.accountID else {
            return PaymentEffect(payment: nil, wallet: nil)
        }
        guard let wallet = try await transaction.credit(payment.amountMinor, to: account) else { throw MissingAccount(id: account) }
        _ = try await appendLedger(.refund, payment.amountMinor, wallet: wallet, booking: request.bookingId, at: at, in: transaction)
        try await transaction.appendOutbox([try Message(PaymentRefunded(bookingId: request.bookingId, amountMinor: payment.amountMinor), at: at)])
        return PaymentEffect(payment: payment, wallet: wallet)
    }

    /// The outcome message a payment answers its request with.
    private static func outcome(of payment: Payment, at: Date) throws -> Message {
        switch payment.status {
        case .succeeded, .refunded:
            try Message(PaymentSucceeded(bookingId: payment.bookingID, amountMinor: payment.amountMinor, currency: payment.currency), at: at)
        case .failed:
            try Message(PaymentFailed(bookingId: payment.bookingID, reason: payment.reason ?? ""), at: at)
        }
    }

    private static func appendLedger(
        _ kind: LedgerEntry.Kind, _ amount: Int64, wallet: Account, booking: UUID?, at: Date, in transaction: some PaymentTransaction
    ) async throws -> LedgerEntry {
        let entry = LedgerEntry(
            id: UUID(), accountID: wallet.id, kind: kind, amountMinor: amount, balanceAfterMinor: wallet.balanceMinor, bookingID: booking, createdAt: at
        )
        try await transaction.appendLedger(entry)
        return entry
    }
}

/// What a payment message changed.
public struct PaymentEffect: Sendable {
    /// The booking's payment as it now stands; nil when the booking had nothing to refund.
    public var payment: Payment?
    /// The wallet whose balance changed, as it is now; nil when no money moved.
    public var wallet: Account?
}

/// A deposit made: its ledger entry and the wallet after it.
public struct Deposit: Sendable {
    /// The ledger entry.
    public var entry: LedgerEntry
    /// The wallet after the deposit.
    public var account: Account
}

/// Two deliveries of one booking's payment request raced; the loser's transaction is rolled back and its
/// message, delivered again, finds the winner's payment.
public struct ConcurrentPayment: Error, CustomStringConvertible {
    /// The booking.
    public let booking: UUID
    public var description: String { "another delivery recorded the payment of booking \(booking.uuidString.lowercased()) first" }
}

/// A wallet the transaction relies on is gone.
struct MissingAccount: Error, CustomStringConvertible {
    let id: UUID?
    var description: String { "the wallet \(id?.uuidString.lowercased() ?? "of the customer") was not found" }
}
