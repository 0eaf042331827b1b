import BoxofficeDomain
import Foundation
import Logging
import NIOCore
import Synchronization

/// Fans live updates out to the WebSocket clients of this process that watch them.
///
/// Each update is encoded once and queued on every watching connection; a connection whose queue is full
/// is dropped (its client reconnects and reads the seat map again), so publishing never waits.
public final class LiveHub: LiveUpdatePublisher {
    /// How much one client may cost.
    public struct Limits: Sendable {
        /// Messages queued for one client before it counts as too slow and is dropped.
        public var bufferedMessages: Int
        /// Topics one client may watch at once.
        public var topicsPerClient: Int

        /// Creates limits.
        public init(bufferedMessages: Int = 512, topicsPerClient: Int = 32) {
            self.bufferedMessages = bufferedMessages
            self.topicsPerClient = topicsPerClient
        }
    }

    private struct State {
        var nextID = 0
        var connections: [Int: LiveConnection] = [:]
        var topicsOf: [Int: Set<LiveTopic>] = [:]
        var watchers: [LiveTopic: Set<Int>] = [:]
    }

    private let state = Mutex(State())
    private let limits: Limits
    private let logger: Logger
    /// Names this process in every event message, so versions of different processes are never compared.
    public let epoch: String

    /// Creates an empty hub.
    public init(limits: Limits = Limits(), logger: Logger) {
        self.limits = limits
        self.logger = logger
        self.epoch = Self.makeEpoch()
    }

    /// A new random epoch.
    public static func makeEpoch() -> String {
        String(UInt32.random(in: .min ... .max), radix: 36)
    }

    /// How many clients are connected.
    public var connectionCount: Int { state.withLock { $0.connections.count } }

    /// Registers a new client.
    public func connect() -> LiveConnection {
        state.withLock { state in
            state.nextID += 1
            let connection = LiveConnection(id: state.nextID, bufferedMessages: limits.bufferedMessages)
            state.connections[connection.id] = connection
            state.topicsOf[connection.id] = []
            return connection
        }
    }

    /// Starts sending a topic's updates to a client.
    /// - Returns: false when the client already watches as many topics as it may.
    public func subscribe(_ connection: LiveConnection, to topic: LiveTopic) -> Bool {
        state.withLock { state in
            guard var topics = state.topicsOf[connection.id] else { return false }
            guard topics.contains(topic) || topics.count < limits.topicsPerClient else { return false }
            topics.insert(topic)
            state.topicsOf[connection.id] = topics
            state.watchers[topic, default: []].insert(connection.id)
            return true
        }
    }

    /// Stops sending a topic's updates to a client.
    public func unsubscribe(_ connection: LiveConnection, from topic: LiveTopic) {
        state.withLock { state in
            state.topicsOf[connection.id]?.remove(topic)
            Self.removeWatcher(connection.id, of: topic, in: &state)
        }
    }

    /// Forgets a client and everything it watched.
    public func disconnect(_ connection: LiveConnection) {
        state.withLock { Self.remove(connection.id, from: &$0) }
        connection.finish()
    }

    /// Queues an update on every client watching it.
    public func publish(_ update: LiveUpdate) {
        let topic: LiveTopic = switch update {
        case .inventory(let delta): .event(delta.eventID)
        case .booking(let change): .customer(change.customer)
        case .wallet(let change): .customer(change.customer)
        }
        let watching = state.withLock { state in (state.watchers[topic] ?? []).compactMap { state.connections[$0] } }
        guard !watching.isEmpty else { return }
        let message: ByteBuffer
        do {
            message = try LiveMessage.encode(update, epoch: epoch)
        } catch {
            logger.error("could not encode a live update: \(error)")
            return
        }
        let tooSlow = watching.filter { !$0.send(message) }
        guard !tooSlow.isEmpty else { return }
        state.withLock { state in
            for connection in tooSlow { Self.remove(connection.id, from: &state) }
        }
        logger.info("dropped \(tooSlow.count) live clients that read too slowly")
    }

    private static func remove(_ id: Int, from state: inout State) {
        state.connections[id] = nil
        for topic in state.topicsOf.removeValue(forKey: id) ?? [] { removeWatcher(id, of: topic, in: &state) }
    }

    private static func removeWatcher(_ id: Int, of topic: LiveTopic, in state: inout State) {
        state.watchers[topic]?.remove(id)
        if state.watchers[topic]?.isEmpty == true { state.watchers[topic] = nil }
    }
}
