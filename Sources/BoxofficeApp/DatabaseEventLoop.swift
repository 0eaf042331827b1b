import NIOCore
import NIOPosix
import ServiceLifecycle

/// One event loop thread for the booking database's client and the event engines together: a batch's
/// round trips then resume on the thread that reads the database's answers, instead of waking a thread per
/// hop. Shut down after everything that uses it has stopped.
struct DatabaseEventLoop: Service {
    let group: MultiThreadedEventLoopGroup

    /// A new loop of one thread.
    init() {
        group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
    }

    /// The loop, as the executor the event engines run on.
    var executor: any SerialExecutor { group.next().executor }

    /// Waits for graceful shutdown, which reaches this service last, then stops the loop. When the group is
    /// cancelled instead, other services may still be using the loop: it is left to the process's exit.
    func run() async throws {
        try? await gracefulShutdown()
        guard !Task.isCancelled else { return }
        try await group.shutdownGracefully()
    }
}
