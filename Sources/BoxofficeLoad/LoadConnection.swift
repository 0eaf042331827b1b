import NIOCore
import NIOHTTP1
import NIOPosix

/// One keep-alive HTTP/1.1 connection of the load generator: one request at a time, answered on the
/// connection's event loop without a hop to a Swift task, so the generator costs the machine it measures as
/// little as it can.
final class LoadConnection: ChannelInboundHandler {
    typealias InboundIn = HTTPClientResponsePart
    typealias OutboundOut = HTTPClientRequestPart

    /// The connection closed or failed while a request waited for its answer.
    struct Closed: Error {}

    private var channel: (any Channel)?
    private var waiting: EventLoopPromise<LoadAnswer>?
    private var head: HTTPResponseHead?
    /// The body of the answer in hand, when its request keeps it.
    private var body: ByteBuffer?

    /// Opens a connection on an event loop.
    static func connect(to address: SocketAddress, on eventLoop: any EventLoop) -> EventLoopFuture<LoadConnection> {
        ClientBootstrap(group: eventLoop)
            .channelOption(.socketOption(.tcp_nodelay), value: 1)
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHTTPClientHandlers()
                    try channel.pipeline.syncOperations.addHandler(LoadConnection())
                }
            }
            .connect(to: address)
            .flatMapThrowing { channel in
                let connection = try channel.pipeline.syncOperations.handler(type: LoadConnection.self)
                connection.channel = channel
                return connection
            }
    }

    /// Sends a request; the future completes, on the connection's event loop, with its answer.
    func send(_ request: LoadRequest) -> EventLoopFuture<LoadAnswer> {
        guard let channel, channel.isActive, waiting == nil else {
            return (channel?.eventLoop ?? MultiThreadedEventLoopGroup.singleton.any()).makeFailedFuture(Closed())
        }
        let promise = channel.eventLoop.makePromise(of: LoadAnswer.self)
        waiting = promise
        body = request.keepsBody ? ByteBuffer() : nil
        channel.write(HTTPClientRequestPart.head(request.head), promise: nil)
        if let body = request.body { channel.write(HTTPClientRequestPart.body(.byteBuffer(body)), promise: nil) }
        channel.writeAndFlush(HTTPClientRequestPart.end(nil), promise: nil)
        return promise.futureResult
    }

    /// Closes the connection.
    func close() {
        channel?.close(promise: nil)
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch unwrapInboundIn(data) {
        case .head(let response):
            head = response
        case .body(var part):
            body?.writeBuffer(&part)
        case .end:
            // Cleared before the promise runs its callbacks, which send the next request on this connection.
            let promise = waiting
            let answer = head.map { LoadAnswer(status: Int($0.status.code), headers: $0.headers, body: body) }
            waiting = nil
            head = nil
            body = nil
            if let answer { promise?.succeed(answer) }
        }
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        fail()
        context.close(promise: nil)
    }

    func channelInactive(context: ChannelHandlerContext) {
        fail()
        context.fireChannelInactive()
    }

    private func fail() {
        let promise = waiting
        waiting = nil
        promise?.fail(Closed())
    }
}
