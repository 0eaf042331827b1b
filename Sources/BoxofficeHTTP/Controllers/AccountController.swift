import BoxofficeAuth
import BoxofficeDomain
import BoxofficePayments
import Foundation
import Hummingbird

/// Wallets of the payment service: open, top up, balance, ledger.
///
/// A wallet belongs to the identity whose token opened it, one per identity; only its owner opens it (so nobody
/// can open another's, or fix its currency first) and tops it up. Its owner and organizers read it; anyone else
/// gets `404`, as for a wallet that does not exist.
struct AccountController {
    let store: any PaymentStore
    let live: (any LiveUpdatePublisher)?
    let now: @Sendable () -> Date

    func addRoutes(to group: RouterGroup<BoxofficeRequestContext>) {
        group.post("accounts", use: create)
        group.get("accounts", use: find)
        group.get("accounts/:id", use: show)
        group.post("accounts/:id/deposits", use: deposit)
        group.get("accounts/:id/ledger", use: ledger)
    }

    private func create(_ request: Request, context: BoxofficeRequestContext) async throws -> EditedResponse<AccountBody> {
        let user = try context.requirePrincipal().owner
        let body = try await request.decodeJSON(CreateAccountRequest.self, limit: context.bodyLimit)
        guard let currency = Currency(body.currency ?? "EUR") else {
            throw Problem.invalid("currency must be a three-letter ISO 4217 code such as EUR.")
        }
        let (account, created) = try await store.createAccount(userIdentifier: user, currency: currency)
        return EditedResponse(
            status: created ? .created : .ok, headers: [.location: "/api/accounts/\(account.id.uuidString.lowercased())"], response: AccountBody(account)
        )
    }

    /// The token's own wallet; an organizer may name anyone's with `?user_identifier=`.
    private func find(_ request: Request, context: BoxofficeRequestContext) async throws -> AccountBody {
        let principal = try context.requirePrincipal()
        var user = principal.owner
        if let given = request.uri.queryParameters["user_identifier"].map(String.init), given != principal.owner {
            guard principal.role == .organizer else { throw Problem(.forbidden, type: "forbidden", detail: "You can see only your own wallet.") }
            user = try TextRules.required(given, field: "user_identifier")
        }
        guard let account = try await store.account(forUser: user) else { throw Problem.notFound("There is no wallet yet: open one with POST /api/accounts.") }
        return AccountBody(account)
    }

    private func show(_ request: Request, context: BoxofficeRequestContext) async throws -> AccountBody {
        AccountBody(try await account(context))
    }

    private func deposit(_ request: Request, context: BoxofficeRequestContext) async throws -> EditedResponse<DepositBody> {
        let id = try await account(context, ownerOnly: true).id
        let body = try await request.decodeJSON(DepositRequest.self, limit: context.bodyLimit)
        try WalletRules.checkDeposit(body.amountMinor)
        let key = context.admitted?.idempotencyKey
        guard let deposit = try await store.deposit(body.amountMinor, into: id, key: key, at: now()) else { throw notFound(id) }
        if deposit.repeated {
            return EditedResponse(
                status: .created, headers: [.idempotentReplayed: "true"], response: DepositBody(entry: LedgerEntryBody(deposit.entry), account: AccountBody(deposit.account))
            )
        }
        live?.publish(.wallet(WalletChange(deposit.account)))
        return EditedResponse(status: .created, response: DepositBody(entry: LedgerEntryBody(deposit.entry), account: AccountBody(deposit.account)))
    }

    /// The most entries one page of a ledger has, and how many it has unless `limit` says.
    static let ledgerPage = (largest: 1_000, standard: 100)

    /// `GET /api/accounts/{id}/ledger?limit=&before=`: a page of the ledger, newest first; when the page is full, a
    /// `Link: <…?before=LAST>; rel="next"` header names the next one.
    private func ledger(_ request: Request, context: BoxofficeRequestContext) async throws -> EditedResponse<[LedgerEntryBody]> {
        let account = try await account(context)
        let query = request.uri.queryParameters
        var limit = Self.ledgerPage.standard
        if let text = query.get("limit") {
            guard let value = Int(text), (1 ... Self.ledgerPage.largest).contains(value) else {
                throw Problem.malformed("limit must be a whole number from 1 to \(Self.ledgerPage.largest), not \(text).")
            }
            limit = value
        }
        var before: UUID?
        if let text = query.get("before") {
            guard let id = UUID(uuidString: text) else { throw Problem.malformed("before must be the id of a ledger entry, not \(text).") }
            before = id
        }
        let entries = try await store.ledger(of: account.id, limit: limit, before: before)
        var headers: HTTPFields = [:]
        if entries.count == limit, let last = entries.last {
            let path = "/api/accounts/\(account.id.uuidString.lowercased())/ledger?limit=\(limit)&before=\(last.id.uuidString.lowercased())"
            headers[.link] = "<\(path)>; rel=\"next\""
        }
        return EditedResponse(headers: headers, response: entries.map(LedgerEntryBody.init))
    }

    /// The wallet the path names, if the token's identity owns it (or, unless `ownerOnly`, is an organizer); 404
    /// otherwise.
    private func account(_ context: BoxofficeRequestContext, ownerOnly: Bool = false) async throws -> Account {
        let principal = try context.requirePrincipal()
        let id = try accountID(context)
        guard let account = try await store.account(id), ownerOnly ? account.userIdentifier == principal.owner : principal.mayAct(for: account.userIdentifier)
        else { throw notFound(id) }
        return account
    }

    private func accountID(_ context: BoxofficeRequestContext) throws -> UUID {
        let text = context.parameters.get("id") ?? ""
        guard let id = UUID(uuidString: text) else { throw Problem.notFound("There is no account with id \(text).") }
        return id
    }

    private func notFound(_ id: UUID) -> Problem { Problem.notFound("There is no account with id \(id.uuidString.lowercased()).") }
}
