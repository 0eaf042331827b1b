import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1

/// The few calls of the booking API a load run makes outside the measured load: creating its event and
/// reading the state back for the invariant check.
struct LoadAPI: Sendable {
    let client: HTTPClient
    let options: LoadOptions

    /// A JSON request to a path of the server.
    func request(_ method: HTTPMethod, _ path: String, json: String? = nil, headers: [(String, String)] = []) -> HTTPClientRequest {
        var request = HTTPClientRequest(url: options.baseURL + path)
        request.method = method
        if let json {
            request.headers.add(name: "Content-Type", value: "application/json")
            request.body = .bytes(ByteBuffer(string: json))
        }
        for (name, value) in headers { request.headers.add(name: name, value: value) }
        return request
    }

    /// Sends a request and decodes its JSON answer.
    /// - Parameter timeout: how long the server may take; setting up a large event takes longest.
    func send(_ request: HTTPClientRequest, timeout: TimeAmount = .seconds(60)) async throws -> (status: Int, json: [String: Any]) {
        let response = try await client.execute(request, timeout: timeout)
        let body = try await response.body.collect(upTo: 64 * 1024 * 1024)
        let json = (try? JSONSerialization.jsonObject(with: Data(body.readableBytesView))) as? [String: Any] ?? [:]
        return (Int(response.status.code), json)
    }

    /// Creates the run's event: `rows` rows of `perRow` seats, and a GA pool when `pool` is given; no holding caps, since
    /// the run sells it from one address.
    func createEvent(title: String, rows: Int, perRow: Int, pool: Int? = nil, maxTickets: Int = 10) async throws -> CreatedEvent {
        var sections = "[]"
        if rows > 0 {
            sections = #"[{"name": "Floor", "rows": [{"rows": "1-\#(rows)", "seats": "1-\#(perRow)", "category": "std"}]}]"#
        }
        let pools = pool.map { #"[{"name": "Standing", "price_minor": 2000, "capacity": \#($0)}]"# } ?? "[]"
        let body = #"""
        {"title": "\#(title)", "venue": "Load Test Arena", "starts_at": "2099-01-01T20:00:00Z", "max_tickets_per_booking": \#(maxTickets),
         "max_tickets_per_customer": null, "hold_ttl_seconds": 3600, "categories": [{"id": "std", "price_minor": 5000}],
         "seat_map": {"sections": \#(sections)}, "ga_pools": \#(pools)}
        """#
        let (status, json) = try await send(request(.POST, "/api/events", json: body, headers: [("Authorization", "Bearer \(options.organizerToken)")]))
        guard status == 201, let id = json["id"] as? Int, let first = json["first_seat_id"] as? Int else {
            throw LoadError("could not create the load event (HTTP \(status)): \(json["detail"] ?? json); is --organizer-token right?")
        }
        let poolID = (json["ga_pools"] as? [[String: Any]])?.first?["id"] as? Int
        return CreatedEvent(id: id, firstSeat: first, seats: rows * perRow, poolID: poolID)
    }

    /// The event as the API shows it now, for the invariant check; a server that does not answer within
    /// 15 s ends the run with an error instead of keeping it alive.
    func event(_ id: Int) async throws -> [String: Any] {
        try await send(request(.GET, "/api/events/\(id)"), timeout: .seconds(15)).json
    }

    /// A count the event's page shows, read until it is the one expected or 5 s passed: behind a gateway, the
    /// instance that answers follows another instance's last writes within a second or two.
    /// - Parameter count: picks the count out of the event's JSON.
    /// - Returns: the last count read.
    func settledCount(of id: Int, expected: Int, _ count: @escaping ([String: Any]) -> Int?) async throws -> Int? {
        let deadline = ContinuousClock.now + .seconds(5)
        while true {
            let found = count(try await event(id))
            if found == expected || ContinuousClock.now >= deadline { return found }
            try await Task.sleep(for: .milliseconds(50))
        }
    }
}

extension LoadAPI {
    /// A new guest's access token (`POST /api/auth/guest`), for a client that acts as one customer all run long.
    func guestToken() async throws -> String {
        let (status, grant) = try await send(request(.POST, "/api/auth/guest"))
        guard status == 201, let token = grant["access_token"] as? String else { throw LoadError("could not get a guest token (HTTP \(status)): \(grant)") }
        return token
    }

    /// Opens the wallet of the token's identity on the payment service and puts `balance` into it; returns its id.
    func fundedWallet(token: String, balance: Int64) async throws -> String {
        let (status, account) = try await send(paymentsRequest(.POST, "/api/accounts", json: "{}", token: token))
        guard status == 200 || status == 201, let id = account["id"] as? String else {
            throw LoadError("could not open a wallet (HTTP \(status)): \(account["detail"] ?? account)")
        }
        var left = balance
        while left > 0 {
            let amount = min(left, 1_000_000_000)
            let (deposited, answer) = try await send(paymentsRequest(.POST, "/api/accounts/\(id)/deposits", json: #"{"amount_minor": \#(amount)}"#, token: token))
            guard deposited == 201 else { throw LoadError("could not fund a wallet (HTTP \(deposited)): \(answer["detail"] ?? answer)") }
            left -= amount
        }
        return id
    }

    /// The balances of wallets, read back from the payment service with their owners' tokens.
    func walletBalances(_ wallets: [(account: String, token: String)]) async throws -> [Int64] {
        var balances: [Int64] = []
        for (account, token) in wallets {
            let (status, json) = try await send(paymentsRequest(.GET, "/api/accounts/\(account)", token: token), timeout: .seconds(15))
            guard status == 200, let balance = json["balance_minor"] as? Int else { throw LoadError("could not read wallet \(account) (HTTP \(status))") }
            balances.append(Int64(balance))
        }
        return balances
    }

    /// A request to the payment service (`--payments-url`, else the server itself).
    private func paymentsRequest(_ method: HTTPMethod, _ path: String, json: String? = nil, token: String) -> HTTPClientRequest {
        var request = request(method, path, json: json, headers: [("Authorization", "Bearer \(token)")])
        request.url = (options.paymentsURL ?? options.baseURL) + path
        return request
    }

    /// The server's resident memory, from the `process_resident_memory_bytes` line of its `/metrics`.
    func serverResidentBytes() async throws -> Int? {
        let response = try await client.execute(request(.GET, "/metrics"), timeout: .seconds(15))
        let text = String(buffer: try await response.body.collect(upTo: 16 * 1024 * 1024))
        let line = text.split(separator: "\n").first { $0.hasPrefix("process_resident_memory_bytes ") }
        return line.flatMap { Double($0.split(separator: " ").last ?? "") }.map { Int($0) }
    }
}

/// The event a load run created for itself.
struct CreatedEvent: Sendable {
    let id: Int
    let firstSeat: Int
    let seats: Int
    let poolID: Int?
}

/// A load run that could not be set up or whose result is unusable.
public struct LoadError: Error, CustomStringConvertible {
    /// What went wrong.
    public let description: String

    init(_ description: String) {
        self.description = description
    }
}
