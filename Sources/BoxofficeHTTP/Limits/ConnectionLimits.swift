import NIOCore
import Synchronization

/// Caps open connections, in all and per peer address (`--max-connections`, `--max-connections-per-address`).
///
/// A connection is counted from its first request (the server adds its handlers then) and closed there, unanswered,
/// when it is over a cap. An upgraded live socket counts from its upgrade (``admitUpgrade(_:)``) until it closes.
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

    /// Counts a connection about to become a live socket in, and out when it closes.
    /// - Returns: false when it is over a cap: it stays plain HTTP.
    public func admitUpgrade(_ channel: any Channel) -> Bool {
        let address = channel.remoteAddress?.ipAddress ?? "unknown"
        guard admit(address) else { return false }
        channel.closeFuture.whenComplete { [self] _ in release(address) }
        return true
    }

    /// The handler that counts one connection.
    public func handler() -> any RemovableChannelHandler { ConnectionCapHandler(limits: self) }
}

/// Counts its connection in when added (closing it when over a cap) and out when it closes.
final class ConnectionCapHandler: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = NIOAny

    private let limits: ConnectionLimits
    private var counted: String?

    init(limits: ConnectionLimits) {
        self.limits = limits
    }

    func handlerAdded(context: ChannelHandlerContext) {
        if context.channel.isActive { admit(context: context) }
    }

    func channelActive(context: ChannelHandlerContext) {
        if counted == nil { admit(context: context) }
        context.fireChannelActive()
    }

    func channelInactive(context: ChannelHandlerContext) {
        if let address = counted {
            limits.release(address)
            counted = nil
        }
        context.fireChannelInactive()
    }

    private func admit(context: ChannelHandlerContext) {
        let address = context.channel.remoteAddress?.ipAddress ?? "unknown"
        if limits.admit(address) {
            counted = address
        } else {
            context.close(promise: nil)
        }
    }
}
