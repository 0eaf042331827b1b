import Foundation
import NIOCore

/// What a load run does: which server, how many clients, and its bounds in requests and time.
public struct LoadOptions: Sendable {
    /// The server's base URL, such as `http://127.0.0.1:8080`.
    public var baseURL: String = "http://127.0.0.1:8080"
    /// The payment service's base URL when it runs apart (`--role payments`); nil: the same server.
    public var paymentsURL: String?
    /// Concurrent clients, each on its own keep-alive connection.
    public var clients: Int = 256
    /// The most requests the run sends.
    public var maxRequests: Int = 1_000_000
    /// The longest the run lasts.
    public var duration: Duration = .seconds(10)
    /// The organizer token, to create the run's own event.
    public var organizerToken: String = ""
    /// Seats of the event (flash-sale, seat-map), seats fought over (hot-seat), or GA capacity (ga-rush).
    public var size: Int?
    /// Threads of the load generator's event loops.
    public var threads: Int = 1
    /// seat-map: every how many clients one holds seats instead of reading the map; 0 for readers only.
    public var holdEvery: Int = 8
    /// watchers: how many WebSocket subscribers watch each watched sale's seat map; waiting-room: how many visitors watch
    /// the queue's live topic.
    public var watchers: Int = 1_000
    /// watchers: how many watched sales, each followed by one nobody watches.
    public var rounds: Int = 2
    /// Whether each client holds with a guest token of its own (fetched before the run) instead of anonymously.
    public var withTokens = false
    /// The clients' tokens, when ``withTokens``.
    var tokens: [String] = []
    /// flash-sale: sell behind a waiting room; every client (with a token of its own) joins it, is let in, and holds with
    /// its admission pass.
    public var queued = false
    /// The clients' admission passes, when ``queued``.
    var passes: [String] = []

    /// pay-flow: buy in one request (`"pay": true`) instead of holding, then paying.
    public var buyNow = false

    /// checkin: how many gates scan at once, each on its own connection.
    public var gates: Int = 20

    /// The defaults.
    public init() {}

    /// The server's socket address, from ``baseURL``.
    /// - Throws: ``LoadError`` when the URL names no host.
    func serverAddress() throws -> SocketAddress {
        guard let url = URLComponents(string: baseURL), let host = url.host, url.scheme == "http" else {
            throw LoadError("\(baseURL) is not an http:// URL with a host")
        }
        let name = host == "localhost" ? "127.0.0.1" : host.trimmingCharacters(in: CharacterSet(charactersIn: "[]"))
        return try SocketAddress.makeAddressResolvingHost(name, port: url.port ?? 80)
    }

    /// Whether the URL names this machine; load is only sent elsewhere when explicitly allowed.
    public var targetsLoopback: Bool {
        guard let host = URLComponents(string: baseURL)?.host else { return false }
        return host == "localhost" || host == "::1" || host == "[::1]" || host.hasPrefix("127.")
    }
}
