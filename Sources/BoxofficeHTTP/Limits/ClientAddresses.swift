import Foundation
import HTTPTypes

/// Which address a request comes from: the connection's peer, or behind a trusted gateway the last address in
/// `X-Forwarded-For` (the one the gateway saw; earlier entries are the client's word).
public struct ClientAddresses: Sendable {
    /// Whether the connections come from a gateway that appends `X-Forwarded-For` (`--trust-forwarded-for`).
    public var trustForwardedFor: Bool

    /// Creates the rule.
    public init(trustForwardedFor: Bool) {
        self.trustForwardedFor = trustForwardedFor
    }

    /// The client's address.
    public func client(of head: HTTPRequest, peer: String?) -> String? {
        guard trustForwardedFor, let forwarded = head.headerFields[values: .xForwardedFor].last else { return peer }
        let last = forwarded.split(separator: ",").last?.trimmingCharacters(in: .whitespaces) ?? ""
        return last.isEmpty ? peer : last
    }
}

extension HTTPField.Name {
    /// `X-Forwarded-For`: the addresses a request came through, appended by each proxy.
    static let xForwardedFor = HTTPField.Name("X-Forwarded-For")!
}
