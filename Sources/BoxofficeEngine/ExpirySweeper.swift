import ServiceLifecycle

/// A background service that ends holds whose time ran out, every `interval`.
public struct ExpirySweeper: Service {
    private let engine: BookingEngine
    private let interval: Duration

    /// Creates a sweeper; an interval well under a second keeps expired seats back on sale promptly.
    public init(engine: BookingEngine, interval: Duration = .milliseconds(250)) {
        self.engine = engine
        self.interval = interval
    }

    /// Sweeps until graceful shutdown.
    public func run() async throws {
        do {
            try await cancelWhenGracefulShutdown {
                while true {
                    try await Task.sleep(for: interval)
                    engine.expireDueHolds()
                }
            }
        } catch is CancellationError {
            return
        }
    }
}
