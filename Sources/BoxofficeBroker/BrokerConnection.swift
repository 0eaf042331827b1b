import BoxofficeAMQP
import Logging
import NIOPosix
import ServiceLifecycle
import Synchronization

/// One connection to the broker, kept up: connects at start, and after any failure drops what is left and connects
/// again with backoff and jitter, until graceful shutdown closes it. Publishing and consuming each have their own
/// (RabbitMQ's advice: a publisher the broker blocks must not stall the consumers).
///
/// Whoever uses the connection asks ``current`` (publishers: fail at once while it is down, the outbox sends again
/// later) or ``waitForConnection()`` (consumers: wait, then declare their topology and consume again).
public final class BrokerConnection: Service, Sendable {
    private enum State {
        case connecting
        case connected(AMQPConnection)
        case stopped
    }

    private let configuration: AMQPConfiguration
    private let logger: Logger
    private let state = Mutex(State.connecting)
    /// What this connection is for, in logs and as the broker's `connection_name`.
    public let purpose: String

    /// Creates a connection for one purpose (`publish`, `consume`); it connects once run.
    public init(_ settings: BrokerSettings, purpose: String, logger: Logger) {
        var configuration = settings.amqp
        configuration.connectionName = "boxoffice \(settings.instance) \(purpose)"
        self.configuration = configuration
        self.purpose = purpose
        self.logger = logger
    }

    /// The open connection, or nil while it is down.
    public var current: AMQPConnection? {
        state.withLock { state in
            if case .connected(let connection) = state, connection.isOpen { return connection }
            return nil
        }
    }

    /// Whether the connection is open now.
    public var isConnected: Bool { current != nil }

    /// Waits until the connection is open.
    /// - Throws: `CancellationError` when the caller is cancelled; ``BrokerUnavailable`` once the service stopped.
    public func waitForConnection() async throws -> AMQPConnection {
        while true {
            if let connection = current { return connection }
            if case .stopped = state.withLock({ $0 }) { throw BrokerUnavailable(detail: "the \(purpose) connection is closed for good") }
            try await Task.sleep(for: .milliseconds(50))
        }
    }

    /// Keeps the connection up until graceful shutdown, then closes it.
    public func run() async throws {
        await withGracefulShutdownHandler {
            await keepConnected()
        } onGracefulShutdown: {
            self.stop()
        }
    }

    private func keepConnected() async {
        var delay = Duration.milliseconds(100)
        while !isStopped {
            do {
                let connection = try await AMQPConnection.connect(configuration, on: MultiThreadedEventLoopGroup.singleton, logger: logger)
                let kept = state.withLock { state -> Bool in
                    guard case .connecting = state else { return false }
                    state = .connected(connection)
                    return true
                }
                guard kept else {
                    try? await connection.close()
                    return
                }
                logger.info("connected to the broker at \(configuration.redacted) (\(purpose))")
                delay = .milliseconds(100)
                let reason = await connection.closed()
                state.withLock { state in
                    if case .connected = state { state = .connecting }
                }
                guard !isStopped else { return }
                logger.warning("lost the broker connection (\(purpose)): \(reason.map(String.init(describing:)) ?? "closed"); connecting again")
            } catch {
                logger.warning("cannot reach the broker at \(configuration.redacted) (\(purpose)): \(error); retrying in \(delay)")
            }
            try? await Task.sleep(for: delay * Double.random(in: 0.75 ... 1.25))
            delay = min(delay * 2, .seconds(5))
        }
    }

    private var isStopped: Bool {
        if case .stopped = state.withLock({ $0 }) { return true }
        return false
    }

    /// Closes the connection for good; whoever waits for it is told the broker is unavailable.
    private func stop() {
        let connection = state.withLock { state -> AMQPConnection? in
            defer { state = .stopped }
            if case .connected(let connection) = state { return connection }
            return nil
        }
        guard let connection else { return }
        Task { try? await connection.close() }
    }
}

/// The broker cannot take or give messages right now; whoever asked tries again later.
public struct BrokerUnavailable: Error, CustomStringConvertible {
    /// Why, in words.
    public let detail: String
    public var description: String { "the broker is unavailable: \(detail)" }
}
