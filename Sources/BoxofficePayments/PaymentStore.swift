import BoxofficeDomain
import BoxofficeMessaging
import Foundation

/// The payment service's persistence: wallets, the ledger, payments, and its outbox and inbox.
///
/// A store gives one transaction of ``PaymentTransaction`` steps and the reads; what a payment, a refund or a
/// deposit does is written once, in ``PaymentApplier``, for every store. Message handlers record the message id
/// in the inbox in the same transaction as their effect.
public protocol PaymentStore: OutboxStore, DeadLetterStore {
    /// Runs `body` in one write transaction, committed when it returns and rolled back when it throws.
    func write<T: Sendable>(_ body: @escaping @Sendable (any PaymentTransaction) async throws -> T) async throws -> T

    /// Reads a wallet.
    func account(_ id: UUID) async throws -> Account?

    /// Reads a customer's wallet.
    func account(forUser user: String) async throws -> Account?

    /// A page of an account's ledger, newest first.
    /// - Parameters:
    ///   - limit: the most entries.
    ///   - before: the page continues after this entry (the last of the previous page); nil starts at the newest.
    ///     An id that is not an entry of this account gives an empty page.
    func ledger(of account: UUID, limit: Int, before: UUID?) async throws -> [LedgerEntry]

    /// A payment by booking id.
    func payment(for booking: UUID) async throws -> Payment?

    /// A booking's ledger entries (its charge and refunds), oldest first.
    func ledger(ofBooking booking: UUID) async throws -> [LedgerEntry]

    /// The access tokens revoked before their expiry whose tokens have not all expired at `now`.
    func tokenRevocations(now: Date) async throws -> [TokenRevocation]
}

extension PaymentStore {
    /// Creates the customer's wallet, or returns the one they have.
    /// - Returns: the account and whether it was created now.
    public func createAccount(userIdentifier: String, currency: Currency, at: Date = Date()) async throws -> (Account, created: Bool) {
        try await write { try await PaymentApplier.createAccount(userIdentifier: userIdentifier, currency: currency, at: at, in: $0) }
    }

    /// Puts money into a wallet and appends the deposit to its ledger; a deposit with an idempotency key is made once
    /// (see ``PaymentApplier/deposit(_:into:key:at:in:)``).
    /// - Returns: the entry and the wallet after it, or nil when the account does not exist.
    public func deposit(_ amountMinor: Int64, into account: UUID, key: String? = nil, at: Date) async throws -> Deposit? {
        try await write { try await PaymentApplier.deposit(amountMinor, into: account, key: key, at: at, in: $0) }
    }

    /// Charges each request's booking once, recording the payments, the ledger entries, the inbox records and the
    /// outcome messages of the whole batch in one transaction (see ``PaymentApplier/pay(_:at:in:)``).
    /// - Returns: what each message changed, by message id; a message processed before is not in it.
    public func handle(_ requests: [PaymentRequest], at: Date) async throws -> [UUID: PaymentEffect] {
        try await write { try await PaymentApplier.pay(requests, at: at, in: $0) }
    }

    /// Records a `tokens.revoked` message's revocation with its inbox entry, in one transaction.
    /// - Returns: the revocation; nil when the message was processed before or names no kind of ours.
    public func handle(_ revoked: TokensRevoked, message: UUID, at: Date) async throws -> TokenRevocation? {
        guard let kind = TokenRevocation.Kind(rawValue: revoked.kind) else { return nil }
        let revocation = TokenRevocation(kind: kind, subject: revoked.subject, until: revoked.until)
        return try await write { transaction in
            guard try await transaction.recordInbox([message], at: at).contains(message) else { return nil }
            try await transaction.recordRevocations([revocation], at: at)
            return revocation
        }
    }

    /// Returns a succeeded payment to the wallet and writes `payment.refunded`, in one transaction.
    /// - Returns: what changed; nil when the message was processed before.
    public func handle(_ request: RefundRequested, message: UUID, at: Date) async throws -> PaymentEffect? {
        try await write { try await PaymentApplier.refund(request, message: message, at: at, in: $0) }
    }
}
