import NIOCore
import Synchronization

/// Caps open connections, in all and per peer address (`--max-connections`, `--max-connections-per-address`).
///
/// A connection is counted from its accept, before a byte of it is read, until it closes (``ConnectionGuard``),
/// and closed there, unanswered, when it is over a cap. A live socket counts as the connection it was.
public final class ConnectionLimits: Sendable {
    /// The most connections in all.
    public let total: Int
    /// The most connections from one address.
    public let perAddress: Int
    private let open = Mutex<(total: Int, byAddress: [String: Int])>((0, [:]))

    /// Creates the caps.
    public init(total: Int, perAddress: Int) {
        self.total = total
        self.perAddress = perAddress
    }

    /// Counts a new connection in.
    /// - Returns: false when it is over a cap (and was not counted).
    func admit(_ address: String) -> Bool {
        open.withLock { open in
            let mine = open.byAddress[address, default: 0]
            guard open.total < total, mine < perAddress else { return false }
            open.total += 1
            open.byAddress[address] = mine + 1
            return true
        }
    }

    /// Counts a closed connection out.
    func release(_ address: String) {
        open.withLock { open in
            open.total -= 1
            let left = open.byAddress[address, default: 1] - 1
            open.byAddress[address] = left > 0 ? left : nil
        }
    }

    /// Tells a connection's guard that it became a live socket: no request deadlines from now on. It stays
    /// counted, from its accept, until it closes.
    public func upgraded(_ channel: any Channel) {
        channel.eventLoop.execute {
            if let connectionGuard = try? channel.pipeline.syncOperations.handler(type: ConnectionGuard.self) { connectionGuard.upgraded() }
        }
    }

    /// The handler that guards one connection from its accept (first in its pipeline).
    func connectionGuard(headerTimeout: TimeAmount, bodyTimeout: TimeAmount, idleTimeout: TimeAmount) -> ConnectionGuard {
        ConnectionGuard(limits: self, headerTimeout: headerTimeout, bodyTimeout: bodyTimeout, idleTimeout: idleTimeout)
    }
}
