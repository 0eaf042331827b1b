import BoxofficeWebhooks
import Foundation
import Hummingbird

extension Problem {
    /// The problem for a webhook request refused.
    init(_ error: WebhookError) {
        switch error {
        case .invalidURL(let reason):
            self.init(.unprocessableContent, type: "invalid-request", detail: reason)
        case .invalidTopics(let reason):
            self.init(.unprocessableContent, type: "invalid-request", detail: reason)
        case .forbiddenAddress(let host, let address, let kind):
            let named = host == address ? host : "\(host) (\(address))"
            self.init(
                .unprocessableContent, type: "forbidden-address",
                detail: "Webhooks do not reach \(kind) addresses such as \(named); register a public URL."
            )
        case .unresolvableHost(let host):
            self.init(.unprocessableContent, type: "invalid-request", detail: "\(host) does not resolve to an address.")
        case .noSuchEndpoint(let id):
            self.init(.notFound, type: "not-found", detail: "There is no webhook \(id.uuidString.lowercased()).")
        case .noSuchDelivery(let id):
            self.init(.notFound, type: "not-found", detail: "The webhook has no delivery \(id.uuidString.lowercased()).")
        case .deliveryPending(let id):
            self.init(.conflict, type: "delivery-pending", detail: "Delivery \(id.uuidString.lowercased()) is on its way already; a delivered or parked one can be sent again.")
        }
    }
}
