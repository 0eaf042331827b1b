import NIOCore
import NIOHTTP1
import NIOPosix

/// A test client that writes several requests on one connection before reading any answer (HTTP/1.1
/// pipelining), and collects the answers in the order they arrive.
enum PipelinedClient {
    /// One answer: status, headers and body text.
    struct Answer: Sendable {
        let status: Int
        let headers: HTTPHeaders
        let body: String
    }

    /// One request: method, path, headers and an optional JSON body.
    struct Request: Sendable {
        let method: HTTPMethod
        let path: String
        var headers: [(String, String)] = []
        var json: String?
        /// A body of another type than JSON, sent instead of `json`.
        var raw: (type: String, body: String)?
        /// Sends the body in two writes, 20 ms apart, so that the server reads it in two parts.
        var splitBody = false
    }

    /// Sends every request at once on a new connection to `port` and waits for as many answers, or for the
    /// server to close the connection.
    /// - Parameter closingOutput: closes the client's side of the connection after the requests (half-close).
    /// - Returns: the answers, and whether the server closed the connection after them.
    static func send(_ requests: [Request], port: Int, closingOutput: Bool = false) async throws -> (answers: [Answer], closed: Bool) {
        let done = MultiThreadedEventLoopGroup.singleton.any().makePromise(of: [Answer].self)
        let expected = requests.count
        let channel = try await ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHTTPClientHandlers()
                    try channel.pipeline.syncOperations.addHandler(Collector(expected: expected, done: done))
                }
            }
            .connect(host: "127.0.0.1", port: port).get()
        for request in requests {
            var headers = HTTPHeaders([("Host", "localhost")] + request.headers)
            if let raw = request.raw {
                headers.add(name: "Content-Type", value: raw.type)
            } else if request.json != nil {
                headers.add(name: "Content-Type", value: "application/json")
            }
            if let json = request.json ?? request.raw?.body { headers.add(name: "Content-Length", value: String(json.utf8.count)) }
            channel.write(HTTPClientRequestPart.head(HTTPRequestHead(version: .http1_1, method: request.method, uri: request.path, headers: headers)), promise: nil)
            if let json = request.json ?? request.raw?.body {
                let body = ByteBuffer(string: json)
                if request.splitBody {
                    let half = body.readableBytes / 2
                    try await channel.writeAndFlush(HTTPClientRequestPart.body(.byteBuffer(body.getSlice(at: 0, length: half)!)))
                    try await Task.sleep(for: .milliseconds(20))
                    channel.write(HTTPClientRequestPart.body(.byteBuffer(body.getSlice(at: half, length: body.readableBytes - half)!)), promise: nil)
                } else {
                    channel.write(HTTPClientRequestPart.body(.byteBuffer(body)), promise: nil)
                }
            }
            channel.write(HTTPClientRequestPart.end(nil), promise: nil)
        }
        channel.flush()
        if closingOutput { try await channel.close(mode: .output) }
        let answers = try await done.futureResult.get()
        try? await Task.sleep(for: .milliseconds(200))
        let closed = !channel.isActive
        try? await channel.close()
        return (answers, closed)
    }

    /// Collects the answers; completes once all came or the connection closed.
    private final class Collector: ChannelInboundHandler {
        typealias InboundIn = HTTPClientResponsePart

        private let expected: Int
        private let done: EventLoopPromise<[Answer]>
        private var answers: [Answer] = []
        private var head: HTTPResponseHead?
        private var body = ""

        init(expected: Int, done: EventLoopPromise<[Answer]>) {
            self.expected = expected
            self.done = done
        }

        func channelRead(context: ChannelHandlerContext, data: NIOAny) {
            switch unwrapInboundIn(data) {
            case .head(let response):
                head = response
                body = ""
            case .body(let chunk):
                body += String(buffer: chunk)
            case .end:
                if let head { answers.append(Answer(status: Int(head.status.code), headers: head.headers, body: body)) }
                if answers.count == expected { done.succeed(answers) }
            }
        }

        func channelInactive(context: ChannelHandlerContext) {
            done.succeed(answers)
            context.fireChannelInactive()
        }
    }
}
