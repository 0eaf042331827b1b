import BoxofficeApp
import BoxofficeBaselines
import BoxofficeDomain
import BoxofficeHTTP
import BoxofficeTestSupport
import Foundation
import Hummingbird
import HummingbirdTesting
import Logging
import NIOCore

/// A booking service on a fresh database of either backend, driven in process through the router.
struct TestServer {
    static let organizerToken = "test-organizer-token"

    let database: TestDatabase
    var configuration: ServeConfiguration

    static func make(_ backend: TestBackend, demo: Bool = true, strategy: HoldStrategy = .batched) async throws -> TestServer {
        let database = try await TestDatabase.make(backend)
        var configuration = ServeConfiguration()
        configuration.dataDirectory = database.directory.path
        configuration.databaseURL = database.url
        configuration.organizerToken = Self.organizerToken
        configuration.demo = demo
        configuration.holdStrategy = strategy
        configuration.logLevel = .warning
        // The whole suite runs in parallel on two cores: a database call may wait far longer than in production,
        // and these tests are about answers, not deadlines (the black-box suite tests the deadline).
        configuration.databaseTimeoutSeconds = 30
        return TestServer(database: database, configuration: configuration)
    }

    /// Builds the application and runs `body` against it; the database closes when `body` returns.
    /// - Parameter setup: `.router` drives the router in process; `.ahc(.http)` serves on a loopback port and
    ///   sends each request over a pool of real connections, through the whole channel pipeline.
    func run<Value: Sendable>(_ setup: TestingSetup = .router, _ body: @Sendable (any TestClientProtocol) async throws -> Value) async throws -> Value {
        try await build().application.test(setup) { client in
            try await client.waitUntilReady()
            return try await body(client)
        }
    }

    /// Builds the application and runs `body` against its router with the list of its routes.
    func runWithRoutes<Value: Sendable>(_ body: @Sendable (any TestClientProtocol, [String]) async throws -> Value) async throws -> Value {
        let boxoffice = try await build()
        let routes = boxoffice.routes
        return try await boxoffice.application.test(.router) { client in
            try await client.waitUntilReady()
            return try await body(client, routes)
        }
    }

    /// Builds the application, serves it on a free loopback port and runs `body` against it with the
    /// live hub, for tests that need real sockets (WebSocket).
    func runLive<Value: Sendable>(_ body: @Sendable (any TestClientProtocol, LiveHub) async throws -> Value) async throws -> Value {
        try await serve(\.live, body)
    }

    /// Serves on a free loopback port and runs `body` with a client of it and the count of requests the event
    /// loops answered without the router.
    func runOverSockets<Value: Sendable>(_ body: @Sendable (any TestClientProtocol, EventLoopAnswerCount) async throws -> Value) async throws -> Value {
        try await serve(\.eventLoopAnswers, body)
    }

    /// Serves on a free loopback port and runs `body` with a client of it and one part of the server.
    private func serve<Part: Sendable, Value: Sendable>(
        _ part: KeyPath<BoxofficeServer, Part>, _ body: @Sendable (any TestClientProtocol, Part) async throws -> Value
    ) async throws -> Value {
        let boxoffice = try await build()
        let given = boxoffice[keyPath: part]
        return try await boxoffice.application.test(.live) { client in
            try await client.waitUntilReady()
            return try await body(client, given)
        }
    }

    /// The server, on a free port when it serves on one.
    private func build() async throws -> BoxofficeServer {
        var logger = Logger(label: "test")
        logger.logLevel = .warning
        var configuration = configuration
        configuration.port = 0
        return try await BoxofficeServer.build(configuration, logger: logger)
    }

    func remove() {
        database.remove()
    }
}

/// The server under test never became ready.
struct ServerNotReady: Error {}

/// A response's status and JSON body.
struct JSONReply: Sendable {
    let status: HTTPResponse.Status
    let headers: HTTPFields
    let body: ByteBuffer

    /// The body as a JSON object.
    var object: [String: Any] {
        (try? JSONSerialization.jsonObject(with: Data(body.readableBytesView))) as? [String: Any] ?? [:]
    }

    /// The body as a JSON array of objects.
    var array: [[String: Any]] {
        (try? JSONSerialization.jsonObject(with: Data(body.readableBytesView))) as? [[String: Any]] ?? []
    }

    var text: String { String(buffer: body) }
}

extension TestClientProtocol {
    /// Sends a request with an optional JSON body and returns what came back.
    func send(_ method: HTTPRequest.Method, _ uri: String, json: String? = nil, headers: HTTPFields = [:]) async throws -> JSONReply {
        var headers = headers
        if json != nil { headers[.contentType] = "application/json" }
        return try await execute(uri: uri, method: method, headers: headers, body: json.map { ByteBuffer(string: $0) }) { response in
            JSONReply(status: response.status, headers: response.headers, body: response.body)
        }
    }

    /// Waits until the server has loaded its state, as a load balancer would.
    func waitUntilReady() async throws {
        for _ in 0 ..< 300 {
            if try await send(.get, "/health/ready").status == .ok { return }
            try await Task.sleep(for: .milliseconds(20))
        }
        throw ServerNotReady()
    }

    /// The organizer's authorization header.
    var organizer: HTTPFields { [.authorization: "Bearer \(TestServer.organizerToken)"] }

    /// A new guest's authorization header and identity id (`POST /api/auth/guest`).
    func guest() async throws -> (headers: HTTPFields, id: String) {
        let grant = try await send(.post, "/api/auth/guest")
        guard let token = grant.object["access_token"] as? String, let id = (grant.object["identity"] as? [String: Any])?["id"] as? String else {
            throw ServerNotReady()
        }
        return ([.authorization: "Bearer \(token)"], id)
    }
}
