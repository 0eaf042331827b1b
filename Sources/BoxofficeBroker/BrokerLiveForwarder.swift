import BoxofficeAMQP
import BoxofficeDomain
import Logging
import Metrics
import NIOCore
import NIOPosix
import Synchronization

/// Sends this process's booking and wallet updates to every booking instance through the broker's live exchange,
/// so a customer sees their booking confirmed and their balance change whichever instance they are connected to
/// and whichever process made the change. Seat map deltas stay local: each instance computes its own from its
/// memory, which follows the others' changes through the database.
///
/// This process's own clients and waiting requests hear its updates at once, not after a trip through the broker: each
/// message carries the process's `origin` (`app_id`), and ``BrokerLiveFeed`` skips the ones that come back.
///
/// Updates are gathered for a few milliseconds and sent as one message (a flash sale makes thousands of booking
/// changes a second); publishing never waits. While the broker is unreachable the updates are dropped and counted:
/// they are pushes, and a client reads the current state when it reconnects.
public final class BrokerLiveForwarder: LiveUpdatePublisher {
    private let local: (any LiveUpdatePublisher)?
    private let topology: BrokerTopology
    private let channels: ChannelCache
    private let pending = Mutex<[LiveUpdate]>([])
    private let timer: any EventLoop
    private let logger: Logger
    private let properties: AMQPProperties
    /// How long updates are gathered before they are sent.
    private let gathering: TimeAmount = .milliseconds(10)

    /// Creates a forwarder publishing on `connection`; `local` gets every update at once (seat map deltas only there).
    /// - Parameter origin: this process's id, the same its ``BrokerLiveFeed`` is given.
    public init(connection: BrokerConnection, topology: BrokerTopology, local: (any LiveUpdatePublisher)?, origin: String, logger: Logger) {
        self.local = local
        self.properties = AMQPProperties(appId: origin)
        self.topology = topology
        self.logger = logger
        self.timer = MultiThreadedEventLoopGroup.singleton.next()
        self.channels = ChannelCache(on: connection) { channel in try await topology.declareLive(on: channel) }
    }

    public func publish(_ update: LiveUpdate) {
        switch update {
        case .inventory, .queue, .checkins:
            local?.publish(update)
            return
        case .booking, .wallet:
            local?.publish(update)
        }
        let first = pending.withLock { pending in
            pending.append(update)
            return pending.count == 1
        }
        if first { timer.scheduleTask(in: gathering) { self.send() } }
    }

    private func send() {
        let updates = pending.withLock { pending in
            defer { pending = [] }
            return pending
        }
        guard !updates.isEmpty else { return }
        Task {
            do {
                try await channels.channel().publish(LiveUpdateCoding.encode(updates), exchange: topology.live, routingKey: "", properties: properties)
            } catch {
                Counter(label: "boxoffice_live_updates_dropped_total").increment(by: updates.count)
                logger.debug("dropped \(updates.count) live updates: \(error)")
            }
        }
    }
}
