import BoxofficeDomain
import Foundation

/// A customer's wallet: one per customer, a balance in minor units that never goes below zero.
public struct Account: Sendable, Hashable {
    /// The account's id.
    public var id: UUID
    /// The customer who owns it.
    public var userIdentifier: String
    /// The balance in minor units; always the sum of the ledger.
    public var balanceMinor: Int64
    /// The wallet's currency.
    public var currency: Currency

    /// Creates an account.
    public init(id: UUID, userIdentifier: String, balanceMinor: Int64, currency: Currency) {
        self.id = id
        self.userIdentifier = userIdentifier
        self.balanceMinor = balanceMinor
        self.currency = currency
    }
}

/// One line of an account's append-only ledger.
public struct LedgerEntry: Sendable, Hashable {
    /// What moved the money.
    public enum Kind: String, Sendable, CaseIterable {
        /// Money put into the wallet.
        case deposit
        /// A booking paid from the wallet.
        case charge
        /// A payment returned to the wallet.
        case refund
    }

    /// The entry's id.
    public var id: UUID
    /// The account.
    public var accountID: UUID
    /// What moved the money.
    public var kind: Kind
    /// The signed change of the balance: positive for deposits and refunds, negative for charges.
    public var amountMinor: Int64
    /// The balance right after this entry.
    public var balanceAfterMinor: Int64
    /// The booking a charge or refund belongs to.
    public var bookingID: UUID?
    /// When it happened.
    public var createdAt: Date

    /// Creates an entry.
    public init(id: UUID, accountID: UUID, kind: Kind, amountMinor: Int64, balanceAfterMinor: Int64, bookingID: UUID?, createdAt: Date) {
        self.id = id
        self.accountID = accountID
        self.kind = kind
        self.amountMinor = amountMinor
        self.balanceAfterMinor = balanceAfterMinor
        self.bookingID = bookingID
        self.createdAt = createdAt
    }
}

/// The rules of money movements, checked before any store is asked.
public enum WalletRules {
    /// The largest single deposit: 10,000,000.00 in minor units.
    public static let maxDepositMinor: Int64 = 1_000_000_000

    /// Checks a deposit amount.
    /// - Throws: ``DomainError/invalid(_:)`` unless 1 ≤ amount ≤ ``maxDepositMinor``.
    public static func checkDeposit(_ amountMinor: Int64) throws(DomainError) {
        guard amountMinor > 0, amountMinor <= maxDepositMinor else {
            throw .invalid("amount_minor must be between 1 and \(maxDepositMinor).")
        }
    }
}

extension WalletChange {
    /// The live update telling a wallet's owner its balance now.
    public init(_ account: Account) {
        self.init(accountID: account.id, customer: account.userIdentifier, balanceMinor: account.balanceMinor, currency: account.currency)
    }
}
