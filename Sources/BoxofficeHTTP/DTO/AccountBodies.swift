import BoxofficeDomain
import BoxofficePayments
import Foundation
import Hummingbird

/// `POST /api/accounts`: open the token's identity's wallet (once; asking again returns it). A `user_identifier`
/// is accepted and ignored: the wallet belongs to the token's identity.
struct CreateAccountRequest: Decodable {
    let userIdentifier: String?
    let currency: String?
}

/// `POST /api/accounts/{id}/deposits`: put money into a wallet.
struct DepositRequest: Decodable {
    let amountMinor: Int64
}

/// A wallet as the API shows it.
struct AccountBody: ResponseEncodable {
    let id: String
    let userIdentifier: String
    let balanceMinor: Int64
    let currency: String

    init(_ account: Account) {
        id = account.id.uuidString.lowercased()
        userIdentifier = account.userIdentifier
        balanceMinor = account.balanceMinor
        currency = account.currency.code
    }
}

/// One ledger line as the API shows it.
struct LedgerEntryBody: ResponseEncodable {
    let id: String
    let kind: String
    let amountMinor: Int64
    let balanceAfterMinor: Int64
    let bookingId: String?
    let createdAt: Date

    init(_ entry: LedgerEntry) {
        id = entry.id.uuidString.lowercased()
        kind = entry.kind.rawValue
        amountMinor = entry.amountMinor
        balanceAfterMinor = entry.balanceAfterMinor
        bookingId = entry.bookingID?.uuidString.lowercased()
        createdAt = entry.createdAt
    }
}

/// The answer to a deposit: the ledger line and the wallet after it.
struct DepositBody: ResponseEncodable {
    let entry: LedgerEntryBody
    let account: AccountBody
}
