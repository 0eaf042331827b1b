import BoxofficeMessaging
import Foundation

/// The primitive writes of the payment service, all inside one open transaction.
///
/// Each store (SQLite, PostgreSQL) implements these in its own SQL; ``PaymentApplier`` composes them the same
/// way for both, so the two stores cannot drift apart in what a payment, a refund or a deposit means.
public protocol PaymentTransaction {
    /// Records a consumed message's id in the inbox.
    /// - Returns: false when the id was recorded before: the message is a repeat.
    func recordInbox(_ message: UUID, at: Date) async throws -> Bool
    /// A booking's payment, locked until the transaction ends. With the unique booking id of ``insertPayment(_:at:)``
    /// this is the guard against two deliveries of one request charging twice: PostgreSQL locks the row
    /// (`FOR UPDATE`); SQLite's write transaction already excludes every other writer.
    func lockPayment(of booking: UUID) async throws -> Payment?
    /// A customer's wallet, if they have one.
    func account(ofUser user: String) async throws -> Account?
    /// Inserts a wallet unless its customer has one.
    /// - Returns: whether it was inserted.
    func insertAccount(_ account: Account, at: Date) async throws -> Bool
    /// Takes money from a wallet only if it holds at least that much (`balance >= amount`).
    /// - Returns: the wallet after, or nil when it holds too little.
    func debit(_ amountMinor: Int64, from account: UUID) async throws -> Account?
    /// Puts money into a wallet.
    /// - Returns: the wallet after, or nil when there is no such wallet.
    func credit(_ amountMinor: Int64, to account: UUID) async throws -> Account?
    /// Records a booking's payment unless the booking already has one.
    /// - Returns: false when another transaction recorded it first.
    func insertPayment(_ payment: Payment, at: Date) async throws -> Bool
    /// Marks a succeeded payment refunded.
    /// - Returns: the payment, now refunded; nil when the booking has no succeeded payment.
    func markRefunded(booking: UUID, at: Date) async throws -> Payment?
    /// Appends an entry to a wallet's ledger.
    func appendLedger(_ entry: LedgerEntry) async throws
    /// Writes messages to the payment service's outbox.
    func appendOutbox(_ messages: [Message]) async throws
}
