import Foundation

/// Keeps webhooks off addresses they may not reach (server-side request forgery): a URL's host, written as an address or
/// resolved from its name, must be public — checked when an endpoint is registered and again before every attempt, since
/// what a name resolves to can change. `allowPrivate` lets everything through (tests, a private deployment).
public struct WebhookAddressGuard: Sendable {
    let resolver: any HostResolver
    /// Whether private and loopback addresses are allowed.
    public let allowPrivate: Bool

    /// Creates a guard.
    public init(resolver: any HostResolver, allowPrivate: Bool) {
        self.resolver = resolver
        self.allowPrivate = allowPrivate
    }

    /// Checks `url`'s host.
    /// - Throws: ``WebhookError/forbiddenAddress(host:address:kind:)`` when any address it stands for is not public;
    ///   ``WebhookError/unresolvableHost(_:)`` when its name resolves to nothing.
    public func check(_ url: WebhookURL) async throws(WebhookError) {
        guard !allowPrivate else { return }
        let addresses = if let literal = url.literalAddress { [literal] } else { await resolver.addresses(of: url.host) }
        guard !addresses.isEmpty else { throw .unresolvableHost(url.host) }
        if let forbidden = addresses.first(where: { $0.restriction != nil }), let kind = forbidden.restriction {
            throw .forbiddenAddress(host: url.host, address: forbidden.description, kind: kind)
        }
    }
}
