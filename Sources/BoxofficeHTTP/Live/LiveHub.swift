import BoxofficeDomain
import Foundation
import Logging
import Metrics
import NIOCore
import NIOPosix
import Synchronization

/// Fans live updates out to the WebSocket clients of this process that watch them.
///
/// Seat map changes are merged per event (``EventFanout``) and sent at most once per interval: each merged delta
/// is encoded once into a frame, and every subscriber's connection writes that frame on its own event loop, one
/// hop per loop, with no Swift task or copy per subscriber. The interval is ``Limits/flushInterval``, longer for an
/// event with so many subscribers that their frames would pass ``Limits/framesPerSecond``: every frame costs a
/// system call, so the fan-out's cost stays bounded however many watch.
/// Booking and wallet changes go at once to their customer's few connections; a waiting room's progress (once a
/// second) goes, encoded once, to every visitor watching it. Publishing never waits, and the
/// engine's work does not grow with the number of subscribers.
public final class LiveHub: LiveUpdatePublisher {
    /// How much one client may cost, and how often a busy event's subscribers hear of it.
    public struct Limits: Sendable {
        /// Topics one client may watch at once.
        public var topicsPerClient: Int
        /// How long a client's socket may stay unable to take more before it is closed as too slow.
        public var slowClientTimeout: Duration
        /// The shortest time between two deltas of one event.
        public var flushInterval: Duration
        /// The most delta frames one event's subscribers get per second, all together.
        public var framesPerSecond: Int

        /// Creates limits.
        public init(
            topicsPerClient: Int = 32, slowClientTimeout: Duration = .seconds(10), flushInterval: Duration = .milliseconds(250),
            framesPerSecond: Int = 30_000
        ) {
            self.topicsPerClient = topicsPerClient
            self.slowClientTimeout = slowClientTimeout
            self.flushInterval = flushInterval
            self.framesPerSecond = framesPerSecond
        }

        /// The time between two deltas of an event with this many subscribers.
        func interval(subscribers: Int) -> TimeAmount {
            let minimum = flushInterval.nanoseconds
            return .nanoseconds(max(minimum, Int64(subscribers) * 1_000_000_000 / Int64(max(framesPerSecond, 1))))
        }
    }

    private struct State {
        var nextID = 0
        var connections: [Int: LiveConnection] = [:]
        var topicsOf: [Int: Set<LiveTopic>] = [:]
        var watchers: [LiveTopic: [Int: LiveConnection]] = [:]
        var fanouts: [EventID: EventFanout] = [:]
        /// The latest frame of each waiting room and each event's doors, for a client who subscribes between two ticks.
        var latest: [LiveTopic: ByteBuffer] = [:]
    }

    private let state = Mutex(State())
    private let limits: Limits
    private let logger: Logger
    /// Where flushes are timed and started.
    private let timer: any EventLoop
    /// Names this process in every event message, so versions of different processes are never compared.
    public let epoch: String

    /// Creates an empty hub.
    public init(limits: Limits = Limits(), logger: Logger) {
        self.limits = limits
        self.logger = logger
        self.timer = MultiThreadedEventLoopGroup.singleton.next()
        self.epoch = Self.makeEpoch()
    }

    /// A new random epoch.
    public static func makeEpoch() -> String {
        String(UInt32.random(in: .min ... .max), radix: 36)
    }

    /// `boxoffice_live_connections`: the WebSocket clients connected to this process.
    private let openConnections = Gauge(label: "boxoffice_live_connections")

    /// How many clients are connected.
    public var connectionCount: Int { state.withLock { $0.connections.count } }

    /// Registers the client of a WebSocket channel; it gets frames once ``LiveConnection/attach()`` found where
    /// to write them.
    func connect(_ channel: any Channel) -> LiveConnection {
        state.withLock { state in
            state.nextID += 1
            let connection = LiveConnection(
                id: state.nextID, channel: channel, slowClientTimeout: .nanoseconds(Int64(limits.slowClientTimeout.nanoseconds)),
                onDropped: { [weak self] dropped in
                    self?.disconnect(dropped)
                    self?.logger.info("dropped a live client that read too slowly")
                }
            )
            state.connections[connection.id] = connection
            state.topicsOf[connection.id] = []
            openConnections.record(state.connections.count)
            return connection
        }
    }

    /// Starts sending a topic's updates to a client.
    /// - Returns: false when the client already watches as many topics as it may.
    func subscribe(_ connection: LiveConnection, to topic: LiveTopic) -> Bool {
        state.withLock { state in
            guard var topics = state.topicsOf[connection.id] else { return false }
            guard topics.contains(topic) || topics.count < limits.topicsPerClient else { return false }
            topics.insert(topic)
            state.topicsOf[connection.id] = topics
            state.watchers[topic, default: [:]][connection.id] = connection
            return true
        }
    }

    /// Stops sending a topic's updates to a client.
    func unsubscribe(_ connection: LiveConnection, from topic: LiveTopic) {
        state.withLock { state in
            state.topicsOf[connection.id]?.remove(topic)
            Self.removeWatcher(connection.id, of: topic, in: &state)
        }
    }

    /// Forgets a client and everything it watched; nothing more is written to it.
    func disconnect(_ connection: LiveConnection) {
        connection.detach()
        state.withLock { state in
            state.connections[connection.id] = nil
            for topic in state.topicsOf.removeValue(forKey: connection.id) ?? [] { Self.removeWatcher(connection.id, of: topic, in: &state) }
            openConnections.record(state.connections.count)
        }
    }

    /// Takes an update: a seat map change is merged for its event's next delta; a booking or wallet change goes
    /// to its customer's connections at once. An update nobody watches costs a dictionary look-up.
    public func publish(_ update: LiveUpdate) {
        switch update {
        case .inventory(let delta):
            let watched: (EventFanout, subscribers: Int)? = state.withLock { state in
                guard let watchers = state.watchers[.event(delta.eventID)] else { return nil }
                if let fanout = state.fanouts[delta.eventID] { return (fanout, watchers.count) }
                let fanout = EventFanout()
                state.fanouts[delta.eventID] = fanout
                return (fanout, watchers.count)
            }
            guard let (fanout, subscribers) = watched, let delay = fanout.merge(delta, interval: limits.interval(subscribers: subscribers)) else { return }
            schedule(fanout, in: delay)
        case .booking(let change):
            send({ try LiveMessage.encode(change) }, to: .customer(change.customer))
        case .wallet(let change):
            send({ try LiveMessage.encode(change) }, to: .customer(change.customer))
        case .queue(let progress):
            sendLatest({ try LiveMessage.encode(progress) }, to: .queue(progress.eventID))
        case .checkins(let progress):
            sendLatest({ try LiveMessage.encode(progress) }, to: .checkins(progress.eventID))
        }
    }

    /// Sends a frame to a topic's watchers and keeps it for those who subscribe before the next one.
    private func sendLatest(_ message: () throws -> ByteBuffer, to topic: LiveTopic) {
        guard let frame = encode(message) else { return }
        let watching = state.withLock { state in
            state.latest[topic] = frame
            return Array((state.watchers[topic] ?? [:]).values)
        }
        deliver(frame, to: watching, droppedFor: nil) {}
    }

    /// Sends a waiting room's or an event's doors' latest frame to a client who just subscribed, so it need not wait
    /// for the next tick.
    func sendLatest(of topic: LiveTopic, to connection: LiveConnection) {
        guard let frame = state.withLock({ $0.latest[topic] }) else { return }
        connection.send(frame)
    }

    /// The events whose doors someone watches on this instance (the `checkins` topic).
    public func watchedDoors() -> [EventID] {
        state.withLock { state in
            state.watchers.compactMap { topic, watchers in
                if case .checkins(let event) = topic, !watchers.isEmpty { event } else { nil }
            }
        }
    }

    private func send(_ message: () throws -> ByteBuffer, to topic: LiveTopic) {
        let watching = state.withLock { Array(($0.watchers[topic] ?? [:]).values) }
        guard !watching.isEmpty, let frame = encode(message) else { return }
        for connection in watching { connection.send(frame) }
    }

    private func schedule(_ fanout: EventFanout, in delay: TimeAmount) {
        if delay <= .zero {
            timer.execute { self.flush(fanout) }
        } else {
            timer.scheduleTask(in: delay) { self.flush(fanout) }
        }
    }

    /// Sends what waits for an event to its subscribers: one frame, one hop to each event loop that has some.
    private func flush(_ fanout: EventFanout) {
        guard let merged = fanout.take() else { return }
        let watching = state.withLock { Array(($0.watchers[.event(merged.eventID)] ?? [:]).values) }
        guard !watching.isEmpty, let frame = encode({ try LiveMessage.encode(merged, epoch: epoch) }) else {
            return finish(fanout, subscribers: watching.count)
        }
        deliver(frame, to: watching, droppedFor: merged.eventID) { self.finish(fanout, subscribers: watching.count) }
    }

    /// Writes one frame to many connections, one hop to each event loop that has some, and calls `done` once every
    /// loop has written it.
    private func deliver(_ frame: ByteBuffer, to watching: [LiveConnection], droppedFor event: EventID?, done: @escaping @Sendable () -> Void) {
        guard !watching.isEmpty else { return done() }
        var byLoop: [ObjectIdentifier: (loop: any EventLoop, connections: [LiveConnection])] = [:]
        for connection in watching {
            byLoop[ObjectIdentifier(connection.eventLoop), default: (connection.eventLoop, [])].connections.append(connection)
        }
        let remaining = Countdown(byLoop.count)
        for (loop, connections) in byLoop.values {
            loop.execute {
                for connection in connections { connection.deliver(frame, droppedFor: event) }
                if remaining.countDown() { done() }
            }
        }
    }

    private func finish(_ fanout: EventFanout, subscribers: Int) {
        if let delay = fanout.flushed(interval: limits.interval(subscribers: subscribers)) { schedule(fanout, in: delay) }
    }

    /// A message as a frame, or nil (logged) when it cannot be encoded.
    private func encode(_ message: () throws -> ByteBuffer) -> ByteBuffer? {
        do {
            return LiveFrame.text(try message())
        } catch {
            logger.error("could not encode a live update: \(error)")
            return nil
        }
    }

    private static func removeWatcher(_ id: Int, of topic: LiveTopic, in state: inout State) {
        state.watchers[topic]?[id] = nil
        if state.watchers[topic]?.isEmpty == true {
            state.watchers[topic] = nil
            if case .event(let event) = topic { state.fanouts[event] = nil }
        }
    }
}

/// Counts the event loops of a flush that have not finished writing it.
private final class Countdown: Sendable {
    private let left: Atomic<Int>

    init(_ count: Int) {
        left = Atomic(count)
    }

    /// Counts one down; true for the last.
    func countDown() -> Bool {
        left.subtract(1, ordering: .acquiringAndReleasing).newValue == 0
    }
}

extension Duration {
    /// The duration in whole nanoseconds.
    var nanoseconds: Int64 {
        components.seconds * 1_000_000_000 + components.attoseconds / 1_000_000_000
    }
}
