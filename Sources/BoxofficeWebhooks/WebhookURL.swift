import Foundation

/// A URL a webhook may be sent to: `http` or `https`, a host, no credentials and no fragment.
public struct WebhookURL: Hashable, Sendable, CustomStringConvertible {
    /// The URL as registered.
    public let url: URL
    /// Its host, without brackets.
    public let host: String

    /// The longest URL accepted.
    public static let maximumLength = 2000

    /// Checks `text` against the rules a webhook URL follows.
    /// - Throws: ``WebhookError/invalidURL(_:)`` naming the rule broken; ``WebhookError/forbiddenAddress(host:address:kind:)``
    ///   for a host that names the machine itself (`localhost`) or a literal address webhooks may not reach, unless
    ///   `allowPrivate`.
    public init(_ text: String, allowPrivate: Bool) throws(WebhookError) {
        guard !text.isEmpty, text.count <= Self.maximumLength else {
            throw .invalidURL("A webhook URL has 1 to \(Self.maximumLength) characters.")
        }
        guard let components = URLComponents(string: text), let url = components.url else { throw .invalidURL("\"\(text)\" is not a URL.") }
        guard let scheme = components.scheme?.lowercased(), scheme == "http" || scheme == "https" else {
            throw .invalidURL("A webhook URL starts with http:// or https://.")
        }
        guard let host = components.host, !host.isEmpty else { throw .invalidURL("A webhook URL names a host.") }
        guard components.user == nil, components.password == nil else {
            throw .invalidURL("A webhook URL carries no user name or password; check the signature header instead.")
        }
        guard components.fragment == nil else { throw .invalidURL("A webhook URL has no fragment (#…).") }
        self.url = url
        self.host = host.hasPrefix("[") && host.hasSuffix("]") ? String(host.dropFirst().dropLast()) : host
        guard !allowPrivate else { return }
        let name = self.host.lowercased().trimmingCharacters(in: CharacterSet(charactersIn: "."))
        if name == "localhost" || name.hasSuffix(".localhost") {
            throw .forbiddenAddress(host: self.host, address: name, kind: "loopback")
        }
        if let address = literalAddress, let kind = address.restriction {
            throw .forbiddenAddress(host: self.host, address: address.description, kind: kind)
        }
    }

    /// The host when it is written as an address rather than a name.
    public var literalAddress: NetworkAddress? { NetworkAddress(host) }

    /// The URL as text.
    public var description: String { url.absoluteString }
}
