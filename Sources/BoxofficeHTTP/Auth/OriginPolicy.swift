import Foundation
import HTTPTypes

/// Which web pages may open a live socket or call the API from a browser: pages of the server's own host name
/// always (whatever the port: behind a gateway the port the browser sees is not the server's), and the origins
/// configured (`--allowed-origins`). A request without `Origin` (not from a browser) is allowed.
public struct OriginPolicy: Sendable {
    private let allowed: Set<String>

    /// Creates a policy.
    /// - Parameter allowed: origins such as `https://tickets.example.com`, besides the server's own.
    public init(allowed: [String] = []) {
        self.allowed = Set(allowed.map { $0.lowercased() })
    }

    /// Whether a request's `Origin` may make it.
    public func allows(_ head: HTTPRequest) -> Bool {
        guard let origin = head.headerFields[.origin] else { return true }
        return allowed.contains(origin.lowercased()) || isSameHost(origin, head)
    }

    /// Whether an origin is a page of the host the request names (whatever the port).
    public func isSameHost(_ origin: String, _ head: HTTPRequest) -> Bool {
        guard let authority = head.authority?.lowercased() else { return false }
        return Self.hostName(ofOrigin: origin.lowercased()) == Self.hostName(ofAuthority: authority)
    }

    /// `example.com` of `https://example.com:8443`.
    private static func hostName(ofOrigin origin: String) -> Substring? {
        guard let schemeEnd = origin.range(of: "://") else { return nil }
        return hostName(ofAuthority: origin[schemeEnd.upperBound...])
    }

    /// `example.com` of `example.com:8443`, `[::1]` of `[::1]:8080`.
    private static func hostName(ofAuthority authority: some StringProtocol) -> Substring? {
        let text = Substring(authority)
        if text.hasPrefix("[") { return text.firstIndex(of: "]").map { text[...$0] } }
        return text.split(separator: ":", maxSplits: 1).first
    }

    /// Whether an origin is one of the configured others (so it gets CORS headers).
    public func isConfigured(_ origin: String) -> Bool {
        allowed.contains(origin.lowercased())
    }
}
