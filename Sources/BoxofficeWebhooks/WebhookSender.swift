import Foundation

/// Sends one delivery's request.
public protocol WebhookSender: Sendable {
    /// POSTs `body` to `url` with `headers`, giving up after `timeout`; never follows a redirect.
    /// - Returns: the status answered and the start of the answer's body, or nil and what went wrong.
    func post(_ body: Data, to url: URL, headers: [(String, String)], timeout: TimeInterval) async -> (status: Int?, detail: String)
}

/// Finds the addresses a host name stands for.
public protocol HostResolver: Sendable {
    /// The addresses of `host`; empty when it does not resolve.
    func addresses(of host: String) async -> [NetworkAddress]
}
