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
    ///
    /// With an idempotency key, the key is recorded with the entry in the same transaction, so a deposit retried
    /// with its key (after a `503` whose transaction committed after all, say) finds the first and credits nothing.
    /// - Returns: the entry and the wallet after it (for a repeated key, the first entry and the wallet now), or nil
    ///   when there is no such wallet.
    /// - Throws: ``DomainError/invalid(_:)`` when the key was used for a deposit of another amount.
    public static func deposit(
        _ amountMinor: Int64, into account: UUID, key: String? = nil, at: Date, in transaction: some PaymentTransaction
    ) async throws -> Deposit? {
        guard try await transaction.account(account) != nil else { return nil }
        let id = UUID()
        if let key, !(try await transaction.recordDepositKey(key, account: account, entry: id, at: at)) {
            guard let entry = try await transaction.depositEntry(forKey: key, account: account), let wallet = try await transaction.account(account) else {
                throw MissingAccount(id: account)
            }
            guard entry.amountMinor == amountMinor else {
                throw DomainError.invalid("This Idempotency-Key was used for a deposit of \(entry.amountMinor); use a new key for a new deposit.")
            }
            return Deposit(entry: entry, account: wallet, repeated: true)
        }
        guard let wallet = try await transaction.credit(amountMinor, to: account) else { return nil }
        let entry = LedgerEntry(id: id, accountID: wallet.id, kind: .deposit, amountMinor: amountMinor, balanceAfterMinor: wallet.balanceMinor, bookingID: nil, createdAt: at)
        try await transaction.appendLedger([entry])
        return Deposit(entry: entry, account: wallet, repeated: false)
    }

    /// Charges each request's booking once, a whole batch in one transaction, in the batch's order.
    ///
    /// For each request: a repeat of a message already processed does nothing; a booking that already has a payment
    /// (from an earlier delivery, or earlier in this batch) has its outcome said again and is charged nothing;
    /// otherwise its customer's wallet is debited if it holds enough in the right currency, the payment recorded,
    /// the charge appended to the ledger, and the outcome (`payment.succeeded` or `payment.failed`) written to the
    /// outbox. Wallets are locked and their debits decided in order, so five requests for a wallet that covers one
    /// charge it once; the debit itself stays conditional (`balance >= amount`).
    /// - Returns: what each message changed, by message id; a message processed before is not in it.
    /// - Throws: ``ConcurrentPayment`` when another transaction recorded one of these bookings' payments first; the
    ///   caller's transaction is then rolled back and the messages, delivered again, find that payment.
    public static func pay(_ requests: [PaymentRequest], at: Date, in transaction: some PaymentTransaction) async throws -> [UUID: PaymentEffect] {
        let fresh = try await transaction.recordInbox(Array(Set(requests.map(\.message))), at: at)
        var seen = Set<UUID>()
        let todo = requests.filter { fresh.contains($0.message) && seen.insert($0.message).inserted }
        guard !todo.isEmpty else { return [:] }
        var decided = try await transaction.lockPayments(of: Set(todo.map(\.body.bookingId)))
        let accounts = try await transaction.lockAccounts(ofUsers: Set(todo.map(\.body.userIdentifier)))
        var balances = Dictionary(uniqueKeysWithValues: accounts.values.map { ($0.id, $0.balanceMinor) })
        var recorded: [Payment] = []
        var charges: [Charge] = []
        var outcomes: [Message] = []
        var results: [UUID: PaymentEffect] = [:]
        for request in todo {
            let body = request.body
            if let previous = decided[body.bookingId] {
                outcomes.append(try outcome(of: previous, event: body.eventId, at: at))
                results[request.message] = PaymentEffect(payment: previous, wallet: nil)
                continue
            }
            var payment = Payment(bookingID: body.bookingId, accountID: nil, amountMinor: body.amountMinor, currency: body.currency, status: .failed, reason: nil)
            if let account = accounts[body.userIdentifier] {
                payment.accountID = account.id
                let balance = balances[account.id] ?? 0
                if account.currency.code != body.currency {
                    payment.reason = PaymentFailureReason.currencyMismatch(wallet: account.currency.code, price: body.currency)
                } else if balance >= body.amountMinor {
                    payment.status = .succeeded
                    balances[account.id] = balance - body.amountMinor
                    charges.append(Charge(message: request.message, booking: body.bookingId, amountMinor: body.amountMinor, account: account))
                } else {
                    payment.reason = PaymentFailureReason.insufficientFunds
                }
            } else {
                payment.reason = PaymentFailureReason.noAccount(body.userIdentifier)
            }
            decided[body.bookingId] = payment
            recorded.append(payment)
            outcomes.append(try outcome(of: payment, event: body.eventId, at: at))
            results[request.message] = PaymentEffect(payment: payment, wallet: nil)
        }
        let entries = try await debit(charges, at: at, in: transaction)
        for (message, wallet) in entries.wallets { results[message]?.wallet = wallet }
        guard try await transaction.insertPayments(recorded, at: at).count == recorded.count else {
            throw ConcurrentPayment(bookings: recorded.map(\.bookingID))
        }
        try await transaction.appendLedger(entries.ledger)
        try await transaction.appendOutbox(outcomes)
        return results
    }

    /// One charge decided in a batch.
    private struct Charge {
        let message: UUID
        let booking: UUID
        let amountMinor: Int64
        let account: Account
    }

    /// Debits the charges' wallets, one conditional debit per wallet for all its charges; returns the ledger entries
    /// of the charges in order, each with the balance right after it, and each charge's wallet after it, by message.
    private static func debit(
        _ charges: [Charge], at: Date, in transaction: some PaymentTransaction
    ) async throws -> (ledger: [LedgerEntry], wallets: [UUID: Account]) {
        guard !charges.isEmpty else { return ([], [:]) }
        var totals: [UUID: Int64] = [:]
        for charge in charges { totals[charge.account.id, default: 0] += charge.amountMinor }
        let after = try await transaction.debit(totals.map { ($0.key, $0.value) })
        guard after.count == totals.count else { throw BalanceMoved() }
        var running = Dictionary(uniqueKeysWithValues: after.values.map { ($0.id, $0.balanceMinor + (totals[$0.id] ?? 0)) })
        var ledger: [LedgerEntry] = []
        var wallets: [UUID: Account] = [:]
        for charge in charges {
            let balance = (running[charge.account.id] ?? 0) - charge.amountMinor
            running[charge.account.id] = balance
            ledger.append(LedgerEntry(
                id: UUID(), accountID: charge.account.id, kind: .charge, amountMinor: -charge.amountMinor, balanceAfterMinor: balance,
                bookingID: charge.booking, createdAt: at
            ))
            var wallet = charge.account
            wallet.balanceMinor = balance
            wallets[charge.message] = wallet
        }
        return (ledger, wallets)
    }

    /// Returns a succeeded payment, whole or the part asked for, to its wallet, appends the refund to the ledger and
    /// writes `payment.refunded`; a booking without a succeeded payment, or a refund larger than what is left of it,
    /// changes nothing. A refund with an id is credited at most once: its ledger entry's id is the refund's.
    /// - Returns: what changed; nil when the message was processed before.
    public static func refund(_ request: RefundRequested, message: UUID, at: Date, in transaction: some PaymentTransaction) async throws -> PaymentEffect? {
        guard try await transaction.recordInbox([message], at: at).contains(message) else { return nil }
        guard let payment = try await transaction.lockPayments(of: [request.bookingId])[request.bookingId], payment.status == .succeeded,
              let account = payment.accountID else { return PaymentEffect(payment: nil, wallet: nil) }
        let amount = request.amountMinor ?? payment.amountMinor - payment.refundedMinor
        // A named refund of free tickets returns nothing but is still answered, so the booking service sees it done.
        guard amount > 0 || (amount == 0 && request.refundId != nil), payment.refundedMinor + amount <= payment.amountMinor else {
            return PaymentEffect(payment: nil, wallet: nil)
        }
        let returned = try await transaction.recordRefund(amount, of: request.bookingId, at: at)
        guard let wallet = try await transaction.credit(amount, to: account) else { throw MissingAccount(id: account) }
        try await transaction.appendLedger([LedgerEntry(
            id: request.refundId ?? UUID(), accountID: account, kind: .refund, amountMinor: amount, balanceAfterMinor: wallet.balanceMinor,
            bookingID: request.bookingId, createdAt: at
        )])
        try await transaction.appendOutbox([try Message(PaymentRefunded(bookingId: request.bookingId, amountMinor: amount, refundId: request.refundId), at: at)])
        return PaymentEffect(payment: returned, wallet: wallet)
    }

    /// The outcome message a payment answers its request with, naming the event the request named.
    private static func outcome(of payment: Payment, event: Int64?, at: Date) throws -> Message {
        switch payment.status {
        case .succeeded, .refunded:
            try Message(PaymentSucceeded(bookingId: payment.bookingID, amountMinor: payment.amountMinor, currency: payment.currency, eventId: event), at: at)
        case .failed:
            try Message(PaymentFailed(bookingId: payment.bookingID, reason: payment.reason ?? "", eventId: event), at: at)
        }
    }
}

/// A `payment.requested` message to process: its body and its id.
public struct PaymentRequest: Sendable {
    /// The request.
    public var body: PaymentRequested
    /// The message's id, recorded in the inbox.
    public var message: UUID

    /// Creates a request.
    public init(_ body: PaymentRequested, message: UUID) {
        self.body = body
        self.message = message
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
    /// Whether an earlier deposit with the same idempotency key made this entry, and nothing was credited now.
    public var repeated: Bool
}

/// Deliveries of one booking's payment request raced; the loser's transaction is rolled back and its messages,
/// delivered again, find the winner's payment.
public struct ConcurrentPayment: Error, CustomStringConvertible {
    /// The bookings of the batch that lost.
    public let bookings: [UUID]
    public var description: String { "another delivery recorded the payment of one of \(bookings.count) bookings first" }
}

/// A locked wallet's balance changed under the lock: the transaction is rolled back and tried again.
struct BalanceMoved: Error, CustomStringConvertible {
    var description: String { "a locked wallet's balance changed before the debit" }
}

/// A wallet the transaction relies on is gone.
struct MissingAccount: Error, CustomStringConvertible {
    let id: UUID?
    var description: String { "the wallet \(id?.uuidString.lowercased() ?? "of the customer") was not found" }
}
