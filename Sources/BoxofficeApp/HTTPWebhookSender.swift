import AsyncHTTPClient
import BoxofficeWebhooks
import Foundation
import NIOCore
import NIOHTTP1

/// Sends webhook deliveries with AsyncHTTPClient: the whole exchange — connecting, the answer's head and the start of
/// its body — within the timeout; a name reached at the address it was checked as; never a redirect followed (it could
/// lead to an address the guard refuses).
struct HTTPWebhookSender: WebhookSender {
    let client: HTTPClient

    /// At most this many bytes of an answer are read and kept.
    static let answerBytes = 300

    /// A client for deliveries: no redirects, its own connection pool; `pins` maps host names to the addresses to
    /// connect to (the certificate is still checked against the name).
    static func makeClient(pins: [String: String] = [:]) -> HTTPClient {
        var configuration = HTTPClient.Configuration(redirectConfiguration: .disallow)
        configuration.connectionPool.idleTimeout = .seconds(30)
        // As many connections to one endpoint as deliveries are sent at once: none waits in the pool's queue on its clock.
        configuration.connectionPool.concurrentHTTP1ConnectionsPerHostSoftLimit = 32
        configuration.dnsOverride = pins
        return HTTPClient(eventLoopGroupProvider: .singleton, configuration: configuration)
    }

    func post(_ body: Data, to url: URL, via address: NetworkAddress?, headers: [(String, String)], timeout: TimeInterval) async -> (status: Int?, detail: String) {
        let milliseconds = Int64(timeout * 1000)
        // A name is reached at the address it was checked as, through a client of this attempt's own.
        let pinned = address.flatMap { address in url.host.map { Self.makeClient(pins: [$0: address.description]) } }
        let answer: Result<(Int, String)?, any Error>
        do {
            answer = .success(try await Self.within(milliseconds) { [client] in
                try await Self.exchange(body, to: url, headers: headers, on: pinned ?? client)
            })
        } catch {
            answer = .failure(error)
        }
        try? await pinned?.shutdown()
        switch answer {
        case .success(let exchanged?): return exchanged
        case .success(nil): return (nil, "no answer within \(milliseconds) ms")
        case .failure(let error as HTTPClientError) where error == .deadlineExceeded || error == .readTimeout || error == .connectTimeout:
            return (nil, "no answer within \(milliseconds) ms")
        case .failure(let error): return (nil, String(describing: error))
        }
    }

    /// The request, its answer's status and the start of its body.
    private static func exchange(_ body: Data, to url: URL, headers: [(String, String)], on client: HTTPClient) async throws -> (Int, String) {
        var request = HTTPClientRequest(url: url.absoluteString)
        request.method = .POST
        for (name, value) in headers { request.headers.add(name: name, value: value) }
        request.body = .bytes(ByteBuffer(bytes: Array(body)))
        let response = try await client.execute(request, deadline: .distantFuture)
        var answer = ByteBuffer()
        for try await part in response.body {
            answer.writeImmutableBuffer(part)
            if answer.readableBytes >= answerBytes { break }
        }
        return (Int(response.status.code), String(decoding: answer.readableBytesView.prefix(answerBytes), as: UTF8.self))
    }

    /// `work`'s result, or nil when it takes longer than `milliseconds` (it is cancelled then).
    private static func within<Value: Sendable>(_ milliseconds: Int64, _ work: @escaping @Sendable () async throws -> Value) async throws -> Value? {
        try await withThrowingTaskGroup(of: Value?.self) { group in
            group.addTask { try await work() }
            group.addTask {
                try await Task.sleep(for: .milliseconds(milliseconds))
                return nil
            }
            defer { group.cancelAll() }
            return try await group.next() ?? nil
        }
    }
}
