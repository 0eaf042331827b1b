import BoxofficeDomain
import BoxofficeMessaging
import Foundation

/// The payment service's persistence: wallets, the ledger, payments, and its outbox and inbox.
///
/// SQLite and PostgreSQL implement it alike. Message handlers record the message id in the inbox in the
/// same transaction as their effect and return false for an id already processed.
public protocol PaymentStore: OutboxStore, DeadLetterStore {
    /// Creates the customer's wallet, or returns the one they have.
    /// - Returns: the account and whether it was created now.
    func createAccount(userIdentifier: String, currency: Currency) async throws -> (Account, created: Bool)

    /// Reads a wallet.
    func account(_ id: UUID) async throws -> Account?

    /// Reads a customer's wallet.
    func account(forUser user: String) async throws -> Account?

    /// Puts money into a wallet and appends the deposit to its ledger.
    /// - Returns: the entry, or nil when the account does not exist.
    func deposit(_ amountMinor: Int64, into account: UUID, at: Date) async throws -> LedgerEntry?

    /// An account's ledger, oldest first.
    func ledger(of account: UUID) async throws -> [LedgerEntry]

    /// Charges a booking's customer once: atomically (`balance >= amount`), recording the payment, the
    /// ledger entry and the outcome message (`payment.succeeded` or `payment.failed`) in one transaction.
    /// - Returns: false when the message was processed before.
    func handle(_ request: PaymentRequested, message: UUID, at: Date) async throws -> Bool

    /// Returns a succeeded payment to the wallet and writes `payment.refunded`, in one transaction.
    /// - Returns: false when the message was processed before.
    func handle(_ request: RefundRequested, message: UUID, at: Date) async throws -> Bool

    /// A payment by booking id.
    func payment(for booking: UUID) async throws -> Payment?
}
