import HTTPTypes
import HummingbirdCore
import HummingbirdWebSocket
import Logging
import NIOCore

/// Sets up every accepted connection as `inner` does, with a ``ConnectionGuard`` first in its pipeline, so a
/// connection is counted and timed from its accept, not from its first request head.
struct GuardedServerChannel<Inner: ServerChildChannel>: ServerChildChannel {
    let inner: Inner
    let makeGuard: @Sendable () -> ConnectionGuard

    func setup(channel: any Channel, logger: Logger) -> EventLoopFuture<Inner.Value> {
        do {
            try channel.pipeline.syncOperations.addHandler(makeGuard())
        } catch {
            return channel.eventLoop.makeFailedFuture(error)
        }
        return inner.setup(channel: channel, logger: logger)
    }

    func handle(value: Inner.Value, logger: Logger) async {
        await inner.handle(value: value, logger: logger)
    }
}

extension HTTPServerBuilder {
    /// HTTP/1 with the WebSocket upgrade, every connection guarded from its accept (``ConnectionGuard``): counted
    /// against `limits`, closed when a request head takes longer than `headerTimeout` or a body longer than
    /// `bodyTimeout`, closed when it is idle for `idleTimeout`, and closed at once by a graceful shutdown when it has no
    /// request in hand. (Give the HTTP/1 configuration no idle timeout of its own: the guard keeps it.)
    public static func guardedHTTP1WebSocketUpgrade(
        limits: ConnectionLimits, headerTimeout: TimeAmount, bodyTimeout: TimeAmount, idleTimeout: TimeAmount,
        configuration: HTTP1WebSocketUpgradeChannel.Configuration,
        shouldUpgrade: @escaping @Sendable (HTTPRequest, any Channel, Logger) throws -> ShouldUpgradeResult<WebSocketDataHandler<HTTP1WebSocketUpgradeChannel.Context>>
    ) -> HTTPServerBuilder {
        var http1 = configuration.http1
        let handlers = http1.additionalChannelHandlers
        http1.additionalChannelHandlers = { [RequestWatcher()] + handlers() }
        let watched = HTTP1WebSocketUpgradeChannel.Configuration(http1: http1, ws: configuration.ws)
        return HTTPServerBuilder { responder in
            GuardedServerChannel(inner: HTTP1WebSocketUpgradeChannel(responder: responder, configuration: watched, shouldUpgrade: shouldUpgrade)) {
                limits.connectionGuard(headerTimeout: headerTimeout, bodyTimeout: bodyTimeout, idleTimeout: idleTimeout)
            }
        }
    }
}
