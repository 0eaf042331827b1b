import AsyncHTTPClient
import BoxofficeWebhooks
import Foundation
import NIOCore
import NIOHTTP1

/// Sends webhook deliveries with AsyncHTTPClient; never follows a redirect (it could lead to an address the guard
/// refuses).
struct HTTPWebhookSender: WebhookSender {
    let client: HTTPClient

    /// The client deliveries are sent with: no redirects, its own connection pool.
    static func makeClient() -> HTTPClient {
        var configuration = HTTPClient.Configuration(redirectConfiguration: .disallow)
        configuration.connectionPool.idleTimeout = .seconds(30)
        return HTTPClient(eventLoopGroupProvider: .singleton, configuration: configuration)
    }

    func post(_ body: Data, to url: URL, headers: [(String, String)], timeout: TimeInterval) async -> (status: Int?, detail: String) {
        var request = HTTPClientRequest(url: url.absoluteString)
        request.method = .POST
        for (name, value) in headers { request.headers.add(name: name, value: value) }
        request.body = .bytes(ByteBuffer(bytes: Array(body)))
        let milliseconds = Int64(timeout * 1000)
        do {
            let response = try await client.execute(request, timeout: .milliseconds(milliseconds))
            var answer = ByteBuffer()
            for try await part in response.body {
                answer.writeImmutableBuffer(part)
                if answer.readableBytes >= 300 { break }
            }
            return (Int(response.status.code), String(decoding: answer.readableBytesView.prefix(300), as: UTF8.self))
        } catch let error as HTTPClientError where error == .deadlineExceeded || error == .readTimeout || error == .connectTimeout {
            return (nil, "no answer within \(milliseconds) ms")
        } catch {
            return (nil, String(describing: error))
        }
    }
}

/// Resolves host names with the system's resolver (`getaddrinfo`), off the caller's thread.
struct SystemHostResolver: HostResolver {
    func addresses(of host: String) async -> [NetworkAddress] {
        await withCheckedContinuation { continuation in
            DispatchQueue.global().async { continuation.resume(returning: Self.resolve(host)) }
        }
    }

    private static func resolve(_ host: String) -> [NetworkAddress] {
        var hints = addrinfo()
        hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
        var list: UnsafeMutablePointer<addrinfo>?
        guard getaddrinfo(host, nil, &hints, &list) == 0, let first = list else { return [] }
        defer { freeaddrinfo(first) }
        var found: [NetworkAddress] = []
        var cursor: UnsafeMutablePointer<addrinfo>? = first
        while let info = cursor {
            if let address = info.pointee.ai_addr {
                switch info.pointee.ai_family {
                case AF_INET:
                    let bytes = address.withMemoryRebound(to: sockaddr_in.self, capacity: 1) { pointer in
                        withUnsafeBytes(of: pointer.pointee.sin_addr) { Array($0) }
                    }
                    if let parsed = NetworkAddress(bytes: bytes) { found.append(parsed) }
                case AF_INET6:
                    let bytes = address.withMemoryRebound(to: sockaddr_in6.self, capacity: 1) { pointer in
                        withUnsafeBytes(of: pointer.pointee.sin6_addr) { Array($0) }
                    }
                    if let parsed = NetworkAddress(bytes: bytes) { found.append(parsed) }
                default:
                    break
                }
            }
            cursor = info.pointee.ai_next
        }
        return found
    }
}
