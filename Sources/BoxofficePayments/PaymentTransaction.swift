import BoxofficeDomain
import BoxofficeMessaging
import Foundation

/// The primitive writes of the payment service, all inside one open transaction; the payment steps take a whole
/// batch of requests at once, so a batch costs a handful of statements whatever its size.
///
/// Each store (SQLite, PostgreSQL) implements these in its own SQL; ``PaymentApplier`` composes them the same
/// way for both, so the two stores cannot drift apart in what a payment, a refund or a deposit means.
public protocol PaymentTransaction {
    /// Records consumed messages' ids in the inbox.
    /// - Returns: the ids that were new; the others are repeats.
    func recordInbox(_ messages: [UUID], at: Date) async throws -> Set<UUID>
    /// The payments bookings already have, locked until the transaction ends. With the unique booking id of
    /// ``insertPayments(_:at:)`` this is the guard against two deliveries of one request charging twice: PostgreSQL
    /// locks the rows (`FOR UPDATE`); SQLite's write transaction already excludes every other writer.
    func lockPayments(of bookings: Set<UUID>) async throws -> [UUID: Payment]
    /// Customers' wallets, locked until the transaction ends (`FOR UPDATE` on PostgreSQL), by customer.
    func lockAccounts(ofUsers users: Set<String>) async throws -> [String: Account]
    /// A wallet by id, if it exists.
    func account(_ id: UUID) async throws -> Account?
    /// Records that a deposit with an idempotency key makes ledger entry `entry`, unless the key has a deposit into
    /// that wallet already. On PostgreSQL a concurrent deposit with the same key waits here until the first commits.
    /// - Returns: whether it was recorded (the key is new).
    func recordDepositKey(_ key: String, account: UUID, entry: UUID, at: Date) async throws -> Bool
    /// The ledger entry the deposit with this key made into this wallet.
    func depositEntry(forKey key: String, account: UUID) async throws -> LedgerEntry?
    /// A customer's wallet, if they have one.
    func account(ofUser user: String) async throws -> Account?
    /// Inserts a wallet unless its customer has one.
    /// - Returns: whether it was inserted.
    func insertAccount(_ account: Account, at: Date) async throws -> Bool
    /// Takes money from wallets, each only if it holds at least that much (`balance = balance - amount WHERE
    /// balance >= amount`).
    /// - Returns: the wallets after, by id; a wallet that held too little is missing and was not changed.
    func debit(_ amounts: [(account: UUID, amountMinor: Int64)]) async throws -> [UUID: Account]
    /// Puts money into a wallet.
    /// - Returns: the wallet after, or nil when there is no such wallet.
    func credit(_ amountMinor: Int64, to account: UUID) async throws -> Account?
    /// Records bookings' payments, each unless the booking already has one.
    /// - Returns: the bookings whose payment was recorded now; a missing one was recorded by another transaction first.
    func insertPayments(_ payments: [Payment], at: Date) async throws -> Set<UUID>
    /// Adds to what a succeeded payment returned (locked by ``lockPayments(of:)`` first); it reads refunded once all of
    /// it went back.
    /// - Returns: the payment after.
    func recordRefund(_ amountMinor: Int64, of booking: UUID, at: Date) async throws -> Payment
    /// Appends entries to wallets' ledgers.
    func appendLedger(_ entries: [LedgerEntry]) async throws
    /// Writes messages to the payment service's outbox.
    func appendOutbox(_ messages: [Message]) async throws
    /// Records access tokens revoked before their expiry, and forgets those whose tokens have all expired by `at`.
    func recordRevocations(_ revocations: [TokenRevocation], at: Date) async throws
}
