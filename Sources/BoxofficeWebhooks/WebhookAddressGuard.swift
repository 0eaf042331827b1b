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
    /// - Returns: the address a name was checked as, to connect to that one and no other (a name can resolve elsewhere a
    ///   moment later); nil when the host is an address, or when everything is allowed.
    /// - Throws: ``WebhookError/forbiddenAddress(host:address:kind:)`` when any address it stands for is not public;
    ///   ``WebhookError/unresolvableHost(_:)`` when its name resolves to nothing.
    public func check(_ url: WebhookURL) async throws(WebhookError) -> NetworkAddress? {
        guard !allowPrivate else { return nil }
        if let literal = url.literalAddress {
            if let kind = literal.restriction { throw .forbiddenAddress(host: url.host, address: literal.description, kind: kind) }
            return nil
        }
        let addresses = await resolver.addresses(of: url.host)
        guard let first = addresses.first else { throw .unresolvableHost(url.host) }
        if let kind = addresses.lazy.compactMap(\.restriction).first {
            // The address is not named: the answer must not tell what an internal name resolves to.
            throw .forbiddenAddress(host: url.host, address: url.host, kind: kind)
        }
        return first
    }
}
