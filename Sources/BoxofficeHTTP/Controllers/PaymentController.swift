import BoxofficeAuth
import BoxofficeDomain
import BoxofficePayments
import Foundation
import Hummingbird

/// A booking's payment as the payment service keeps it: its status, what went back, and its ledger entries. The
/// wallet's owner's and organizers' to see; anyone else gets `404`, as for a booking never paid.
struct PaymentController {
    let store: any PaymentStore

    func addRoutes(to group: RouterGroup<BoxofficeRequestContext>) {
        group.get("payments/:booking", use: show)
    }

    private func show(_ request: Request, context: BoxofficeRequestContext) async throws -> PaymentBody {
        let principal = try context.requirePrincipal()
        let text = context.parameters.get("booking") ?? ""
        let missing = Problem.notFound("There is no payment for booking \(text).")
        guard let booking = UUID(uuidString: text), let payment = try await store.payment(for: booking) else { throw missing }
        if principal.role != .organizer {
            guard let account = payment.accountID, let wallet = try await store.account(account), wallet.userIdentifier == principal.owner else { throw missing }
        }
        return PaymentBody(payment, ledger: try await store.ledger(ofBooking: booking))
    }
}

/// `GET /api/payments/{booking}`.
struct PaymentBody: ResponseEncodable {
    let bookingId: String
    let accountId: String?
    /// `succeeded`, `failed`, or `refunded` once all of it went back.
    let status: String
    let amountMinor: Int64
    /// How much went back to the wallet so far.
    let refundedMinor: Int64
    let currency: String
    /// Why it failed.
    let reason: String?
    /// The charge and the refunds, oldest first.
    let ledger: [LedgerEntryBody]

    init(_ payment: Payment, ledger: [LedgerEntry]) {
        bookingId = payment.bookingID.uuidString.lowercased()
        accountId = payment.accountID?.uuidString.lowercased()
        status = payment.status.rawValue
        amountMinor = payment.amountMinor
        refundedMinor = payment.refundedMinor
        currency = payment.currency
        reason = payment.reason
        self.ledger = ledger.map(LedgerEntryBody.init)
    }
}
