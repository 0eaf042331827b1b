import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1
import Synchronization

/// Runs `clients` concurrent workers, each sending the requests a scenario gives it on a keep-alive
/// connection, until the scenario has nothing left, the request budget is spent or the time is up.
struct LoadDriver {
    /// One request of a scenario, with a tag the scenario uses to learn what its answer means.
    struct Planned: Sendable {
        let request: HTTPClientRequest
        let tag: Int
    }

    let client: HTTPClient
    let options: LoadOptions

    /// Runs the load.
    /// - Parameters:
    ///   - next: the request of worker `worker`, or nil when the scenario is done.
    ///   - answered: called with each request's tag and status (nil for a transport error).
    func run(
        next: @escaping @Sendable (_ worker: Int) -> Planned?,
        answered: @escaping @Sendable (_ worker: Int, _ tag: Int, _ status: Int?, _ headers: HTTPHeaders) -> Void = { _, _, _, _ in }
    ) async -> LoadStats {
        let budget = RequestBudget(options.maxRequests)
        let started = ContinuousClock.now
        let deadline = started.advanced(by: options.duration)
        var total = await withTaskGroup(of: LoadStats.self) { group in
            for worker in 0 ..< options.clients {
                group.addTask { [client] in
                    var stats = LoadStats()
                    while ContinuousClock.now < deadline, let planned = next(worker), budget.take() {
                        let sent = ContinuousClock.now
                        var status: Int?
                        var headers = HTTPHeaders()
                        do {
                            let response = try await client.execute(planned.request, timeout: .seconds(30))
                            status = Int(response.status.code)
                            headers = response.headers
                            _ = try await response.body.collect(upTo: 16 * 1024 * 1024)
                        } catch {
                            status = nil
                        }
                        let micros = (ContinuousClock.now - sent).components
                        stats.record(status: status, micros: UInt64(micros.seconds) * 1_000_000 + UInt64(micros.attoseconds / 1_000_000_000_000))
                        answered(worker, planned.tag, status, headers)
                    }
                    return stats
                }
            }
            return await group.reduce(into: LoadStats()) { $0.merge($1) }
        }
        total.elapsed = ContinuousClock.now - started
        return total
    }
}

/// The requests a run may still send, shared by its workers.
final class RequestBudget: Sendable {
    private let left: Atomic<Int>

    init(_ requests: Int) {
        left = Atomic(requests)
    }

    /// Takes one request from the budget; false once it is spent.
    func take() -> Bool { left.subtract(1, ordering: .relaxed).newValue >= 0 }
}
