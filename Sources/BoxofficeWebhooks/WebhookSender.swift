import Foundation

/// Sends one delivery's request.
public protocol WebhookSender: Sendable {
    /// POSTs `body` to `url` with `headers` — connecting to `address` when one is given, whatever the host's name
    /// resolves to now — and gives up after `timeout` for the whole exchange; never follows a redirect.
    /// - Returns: the status answered and the start of the answer's body, or nil and what went wrong.
    func post(_ body: Data, to url: URL, via address: NetworkAddress?, headers: [(String, String)], timeout: TimeInterval) async -> (status: Int?, detail: String)
}

/// Finds the addresses a host name stands for.
public protocol HostResolver: Sendable {
    /// The addresses of `host`; empty when it does not resolve.
    func addresses(of host: String) async -> [NetworkAddress]
}
