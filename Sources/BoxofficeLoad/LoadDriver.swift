import Foundation
import NIOCore
import NIOHTTP1
import NIOPosix
import Synchronization

/// Runs `clients` concurrent workers, each sending the requests a scenario gives it on its own keep-alive
/// connection, until the scenario has nothing left, the request budget is spent or the time is up.
///
/// Every worker lives on one event loop: it sends, reads the answer and sends the next request in the same
/// thread, with no Swift task or executor hop per request.
struct LoadDriver {
    /// One request of a scenario, with a tag the scenario uses to learn what its answer means.
    struct Planned: Sendable {
        let request: LoadRequest
        let tag: Int
    }

    let options: LoadOptions

    /// Runs the load.
    /// - Parameters:
    ///   - next: the request of worker `worker`, or nil when the scenario is done.
    ///   - answered: called with each request's tag and answer (nil for a transport error).
    func run(
        next: @escaping @Sendable (_ worker: Int) -> Planned?,
        answered: @escaping @Sendable (_ worker: Int, _ tag: Int, _ answer: LoadAnswer?) -> Void = { _, _, _ in }
    ) async throws -> LoadStats {
        let address = try options.serverAddress()
        let group = MultiThreadedEventLoopGroup(numberOfThreads: options.threads)
        let budget = RequestBudget(options.maxRequests)
        let started = ContinuousClock.now
        let deadline = NIODeadline.now() + .nanoseconds(Int64(options.duration.components.seconds) * 1_000_000_000
            + options.duration.components.attoseconds / 1_000_000_000)
        let finished = (0 ..< options.clients).map { worker in
            let eventLoop = group.next()
            return eventLoop.flatSubmit {
                LoadWorker(
                    worker: worker, address: address, eventLoop: eventLoop, deadline: deadline, budget: budget,
                    next: next, answered: answered
                ).start()
            }
        }
        var total = LoadStats()
        for stats in finished { total.merge(try await stats.get()) }
        total.elapsed = ContinuousClock.now - started
        try await group.shutdownGracefully()
        return total
    }
}

/// One client of a load run: its connection, its counts, and the loop of request, answer, next request.
/// It lives on one event loop, and every method runs there.
private final class LoadWorker {
    private let worker: Int
    private let address: SocketAddress
    private let eventLoop: any EventLoop
    private let deadline: NIODeadline
    private let budget: RequestBudget
    private let next: @Sendable (Int) -> LoadDriver.Planned?
    private let answered: @Sendable (Int, Int, LoadAnswer?) -> Void
    private var connection: LoadConnection?
    private var stats = LoadStats()
    private var finished = false
    private var expired = false
    private let done: EventLoopPromise<LoadStats>
    /// How long after the run's end a request may still be answered before its connection is closed.
    static let grace: TimeAmount = .seconds(5)

    init(
        worker: Int, address: SocketAddress, eventLoop: any EventLoop, deadline: NIODeadline, budget: RequestBudget,
        next: @escaping @Sendable (Int) -> LoadDriver.Planned?, answered: @escaping @Sendable (Int, Int, LoadAnswer?) -> Void
    ) {
        self.worker = worker
        self.address = address
        self.eventLoop = eventLoop
        self.deadline = deadline
        self.budget = budget
        self.next = next
        self.answered = answered
        self.done = eventLoop.makePromise()
    }

    /// Starts the loop; the future gives the worker's counts once it has stopped, at the latest a grace period
    /// after the run's end (a request still unanswered then counts as an error).
    func start() -> EventLoopFuture<LoadStats> {
        eventLoop.assumeIsolated().scheduleTask(deadline: deadline + Self.grace) {
            guard !self.finished else { return }
            self.expired = true
            self.connection?.close()
        }
        step()
        return done.futureResult
    }

    private func step() {
        guard NIODeadline.now() < deadline, let planned = next(worker), budget.take() else {
            finished = true
            connection?.close()
            done.succeed(stats)
            return
        }
        var sent = NIODeadline.now()
        let answer: EventLoopFuture<LoadAnswer>
        if let connection {
            answer = connection.send(planned.request)
        } else {
            answer = LoadConnection.connect(to: address, on: eventLoop).assumeIsolated().flatMap { connection in
                self.connection = connection
                // A connection that arrives after the run's grace period is closed, not used.
                if self.expired { connection.close() }
                sent = NIODeadline.now()
                return connection.send(planned.request)
            }.nonisolated()
        }
        answer.assumeIsolated().whenComplete { result in
            let micros = UInt64(max(0, (NIODeadline.now() - sent).nanoseconds / 1_000))
            switch result {
            case .success(let reply):
                self.stats.record(status: reply.status, micros: micros)
                self.answered(self.worker, planned.tag, reply)
                self.step()
            case .failure:
                self.stats.record(status: nil, micros: micros)
                self.answered(self.worker, planned.tag, nil)
                self.connection?.close()
                self.connection = nil
                // A short pause, so a server that refuses connections is not hammered until the deadline.
                self.eventLoop.assumeIsolated().scheduleTask(in: .milliseconds(10)) { self.step() }
            }
        }
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
