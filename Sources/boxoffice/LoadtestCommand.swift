import ArgumentParser
import BoxofficeLoad
import Foundation

/// `boxoffice loadtest`: drives a running server with one scenario and checks the invariants afterwards.
struct LoadtestCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "loadtest",
        abstract: "Load a running server with a scenario, print throughput and latency, and check the invariants.",
        discussion: "Scenarios: \(LoadScenario.allCases.map(\.rawValue).joined(separator: ", ")). Every run creates its own event (organizer token needed) and stops by itself."
    )

    @Argument(help: "attack, flash-sale, hot-seat, ga-rush, seat-map, watchers, pay-flow, best-available, waiting-room or checkin.") var scenario: String
    @Option(help: "The server's base URL (loopback only unless --allow-remote).") var url = "http://127.0.0.1:8080"
    @Option(help: "pay-flow: the payment service's base URL when it runs apart (default: --url).") var paymentsUrl: String?
    @Option(help: "Concurrent clients, each on its own keep-alive connection.") var clients = 256
    @Option(help: "The most requests to send.") var requests = 1_000_000
    @Option(help: "The longest the run lasts, in seconds.") var duration = 10.0
    @Option(help: "Attackers (attack, default 50), seats (flash-sale and best-available 100000, hot-seat 10, seat-map 20000), visitors (waiting-room 10000), GA tickets (ga-rush 100000) or confirmed tickets (checkin 50000).") var size: Int?
    @Option(help: "seat-map: one client in this many holds seats while the others read; 0 for readers only (default 8).") var holdEvery = 8
    @Option(help: "watchers: WebSocket subscribers on each watched sale's seat map; waiting-room: visitors on the queue's live topic (default 1000).") var watchers = 1_000
    @Option(help: "watchers: watched sales, each followed by one nobody watches (default 2).") var rounds = 2
    @Option(help: "checkin: gates scanning at once, each on its own connection.") var gates = 20
    @Flag(help: "Each client holds with a guest token of its own instead of anonymously (the server then makes a guest per hold).") var tokens = false
    @Flag(help: "flash-sale: sell behind a waiting room; each client (with a token of its own) joins, is let in, and holds with its pass.") var queued = false
    @Flag(help: "pay-flow: buy in one request (\"pay\": true) instead of holding, then paying.") var buyNow = false
    @Option(help: "Threads of the load generator (default 1, which leaves the other core to the server).") var threads = 1
    @Option(help: "The organizer token (BOXOFFICE_ORGANIZER_TOKEN; or the data directory's organizer-token file).") var organizerToken: String?
    @Option(name: .customLong("data-dir"), help: "Where to find the generated organizer token (default ./data).") var dataDirectory = "./data"
    @Flag(help: "Allow a target that is not this machine.") var allowRemote = false

    func run() async throws {
        guard let scenario = LoadScenario(rawValue: scenario) else {
            throw ValidationError("Unknown scenario \"\(self.scenario)\"; use one of \(LoadScenario.allCases.map(\.rawValue).joined(separator: ", ")).")
        }
        var options = LoadOptions()
        options.baseURL = url.hasSuffix("/") ? String(url.dropLast()) : url
        options.paymentsURL = paymentsUrl.map { $0.hasSuffix("/") ? String($0.dropLast()) : $0 }
        options.clients = clients
        options.maxRequests = requests
        options.duration = .milliseconds(Int64(duration * 1_000))
        options.size = size
        options.threads = max(1, threads)
        options.holdEvery = max(0, holdEvery)
        options.watchers = max(1, watchers)
        options.rounds = max(1, rounds)
        options.withTokens = tokens || queued
        options.queued = queued
        options.gates = max(1, gates)
        options.buyNow = buyNow
        options.organizerToken = try token()
        guard options.targetsLoopback || allowRemote else {
            throw ValidationError("\(url) is not this machine; load goes to loopback only unless --allow-remote.")
        }
        guard clients > 0, requests > 0, duration > 0 else { throw ValidationError("--clients, --requests and --duration must be positive.") }
        let report = try await scenario.run(options)
        print(report.text)
        if !report.passed { throw ExitCode(1) }
    }

    private func token() throws -> String {
        if let organizerToken { return organizerToken }
        if let token = ProcessInfo.processInfo.environment["BOXOFFICE_ORGANIZER_TOKEN"], !token.isEmpty { return token }
        let file = URL(fileURLWithPath: dataDirectory).appendingPathComponent("organizer-token")
        guard let stored = try? String(contentsOf: file, encoding: .utf8).trimmingCharacters(in: .whitespacesAndNewlines), !stored.isEmpty else {
            throw ValidationError("No organizer token: pass --organizer-token, set BOXOFFICE_ORGANIZER_TOKEN, or run next to the server's data directory.")
        }
        return stored
    }
}
