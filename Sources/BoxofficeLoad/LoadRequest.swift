import NIOCore
import NIOHTTP1

/// One HTTP request of a load run, built once by its scenario and written as it is.
struct LoadRequest: Sendable {
    /// The request line and headers.
    let head: HTTPRequestHead
    /// The body, if any.
    let body: ByteBuffer?
    /// Whether the answer's body is kept (most scenarios need only the status).
    var keepsBody = false

    /// A request to a path, with a JSON body when one is given.
    init(_ method: HTTPMethod, _ path: String, json: String? = nil, headers: [(String, String)] = []) {
        var fields = HTTPHeaders([("Host", "boxoffice"), ("Connection", "keep-alive")])
        for (name, value) in headers { fields.add(name: name, value: value) }
        if let json {
            fields.add(name: "Content-Type", value: "application/json")
            fields.add(name: "Content-Length", value: String(json.utf8.count))
        }
        head = HTTPRequestHead(version: .http1_1, method: method, uri: path, headers: fields)
        body = json.map { ByteBuffer(string: $0) }
    }
}

/// What a load request got back: the status, the response headers, and the body when the request asked to keep it.
struct LoadAnswer: Sendable {
    let status: Int
    let headers: HTTPHeaders
    let body: ByteBuffer?
}
