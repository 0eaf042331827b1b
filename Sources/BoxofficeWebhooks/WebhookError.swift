import Foundation

/// Why a webhook request was refused.
public enum WebhookError: Error, Equatable, Sendable {
    /// The URL cannot be a webhook's: the reason says which rule it breaks.
    case invalidURL(String)
    /// The URL's host is, or resolves to, an address webhooks may not reach (loopback, private, link-local…).
    case forbiddenAddress(host: String, address: String, kind: String)
    /// The host's name does not resolve.
    case unresolvableHost(String)
    /// No topic was named, or a name is not a topic.
    case invalidTopics(String)
    /// There is no such endpoint (or it was deleted).
    case noSuchEndpoint(UUID)
    /// The endpoint has no such delivery.
    case noSuchDelivery(UUID)
    /// The delivery is pending: it is on its way already.
    case deliveryPending(UUID)
}
