import BoxofficeDomain
import BoxofficePayments
import Foundation
import Hummingbird

/// Wallets of the payment service: open, top up, balance, ledger.
struct AccountController {
    let store: any PaymentStore
    let live: (any LiveUpdatePublisher)?
    let now: @Sendable () -> Date

    static let bodyLimit = 16 * 1024

    func addRoutes(to group: RouterGroup<BoxofficeRequestContext>) {
        group.post("accounts", use: create)
        group.get("accounts", use: find)
        group.get("accounts/:id", use: show)
        group.post("accounts/:id/deposits", use: deposit)
        group.get("accounts/:id/ledger", use: ledger)
    }

    private func create(_ request: Request, context: BoxofficeRequestContext) async throws -> EditedResponse<AccountBody> {
        let body = try await request.decodeJSON(CreateAccountRequest.self, limit: Self.bodyLimit)
        let user = try TextRules.required(body.userIdentifier, field: "user_identifier")
        guard let currency = Currency(body.currency ?? "EUR") else {
            throw Problem.invalid("currency must be a three-letter ISO 4217 code such as EUR.")
        }
        let (account, created) = try await store.createAccount(userIdentifier: user, currency: currency)
        return EditedResponse(
            status: created ? .created : .ok, headers: [.location: "/api/accounts/\(account.id.uuidString.lowercased())"], response: AccountBody(account)
        )
    }

    private func find(_ request: Request, context: BoxofficeRequestContext) async throws -> AccountBody {
        guard let given = request.uri.queryParameters["user_identifier"].map(String.init), !given.isEmpty else {
            throw Problem.invalid("Give the wallet's owner: GET /api/accounts?user_identifier=…")
        }
        let user = try TextRules.required(given, field: "user_identifier")
        guard let account = try await store.account(forUser: user) else { throw Problem.notFound("\(user) has no wallet.") }
        return AccountBody(account)
    }

    private func show(_ request: Request, context: BoxofficeRequestContext) async throws -> AccountBody {
        AccountBody(try await account(context))
    }

    private func deposit(_ request: Request, context: BoxofficeRequestContext) async throws -> EditedResponse<DepositBody> {
        let id = try accountID(context)
        let body = try await request.decodeJSON(DepositRequest.self, limit: Self.bodyLimit)
        try WalletRules.checkDeposit(body.amountMinor)
        guard let deposit = try await store.deposit(body.amountMinor, into: id, at: now()) else { throw notFound(id) }
        live?.publish(.wallet(WalletChange(deposit.account)))
        return EditedResponse(status: .created, response: DepositBody(entry: LedgerEntryBody(deposit.entry), account: AccountBody(deposit.account)))
    }

    private func ledger(_ request: Request, context: BoxofficeRequestContext) async throws -> [LedgerEntryBody] {
        let account = try await account(context)
        return try await store.ledger(of: account.id).map(LedgerEntryBody.init)
    }

    private func account(_ context: BoxofficeRequestContext) async throws -> Account {
        let id = try accountID(context)
        guard let account = try await store.account(id) else { throw notFound(id) }
        return account
    }

    private func accountID(_ context: BoxofficeRequestContext) throws -> UUID {
        let text = context.parameters.get("id") ?? ""
        guard let id = UUID(uuidString: text) else { throw Problem.notFound("There is no account with id \(text).") }
        return id
    }

    private func notFound(_ id: UUID) -> Problem { Problem.notFound("There is no account with id \(id.uuidString.lowercased()).") }
}
