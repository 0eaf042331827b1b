import Synchronization

/// The connection state that the public API reads from any thread; the handler on the event loop writes it.
final class AMQPConnectionStatus: Sendable {
    private struct State {
        var isOpen = false
        var isBlocked = false
        var negotiated = AMQPNegotiatedParameters(frameMax: 0, channelMax: 0, heartbeat: .zero)
    }

    private let state = Mutex(State())

    var isOpen: Bool {
        get { self.state.withLock { $0.isOpen } }
        set { self.state.withLock { $0.isOpen = newValue } }
    }

    var isBlocked: Bool {
        get { self.state.withLock { $0.isBlocked } }
        set { self.state.withLock { $0.isBlocked = newValue } }
    }

    var negotiated: AMQPNegotiatedParameters {
        get { self.state.withLock { $0.negotiated } }
        set { self.state.withLock { $0.negotiated = newValue } }
    }
}
