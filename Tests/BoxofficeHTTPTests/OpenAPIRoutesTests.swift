import BoxofficeApp
import BoxofficeTestSupport
import Foundation
import HTTPTypes
import Testing

@Suite("The OpenAPI document and the router")
struct OpenAPIRoutesTests {
    /// `public/openapi.json`, beside the web app.
    static let document = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("public/openapi.json")

    @Test("every route of every role is in the document, and every operation of the document is a route")
    func sameOperations() async throws {
        var server = try await TestServer.make(.sqlite)
        defer { server.remove() }
        server.configuration.metrics = { "" }
        let routes = Set(try await server.runWithRoutes { _, routes in routes })
        let json = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: Self.document)) as? [String: Any])
        let paths = try #require(json["paths"] as? [String: [String: Any]])
        let operations = Set(paths.flatMap { path, item in
            item.keys.filter { ["get", "post", "put", "patch", "delete"].contains($0) }.map { "\($0.uppercased()) \(path)" }
        })
        #expect(routes.subtracting(operations).isEmpty, "routes the document lacks: \(routes.subtracting(operations).sorted())")
        #expect(operations.subtracting(routes).isEmpty, "operations no route serves: \(operations.subtracting(routes).sorted())")
        #expect(routes.count >= 26)
    }

    @Test("a route's path with a method it does not answer is 405 with Allow; an unknown path stays 404")
    func methodNotAllowed() async throws {
        let server = try await TestServer.make(.sqlite)
        defer { server.remove() }
        try await server.run { client in
            let put = try await client.send(.put, "/api/events/1")
            #expect(put.status == .methodNotAllowed && put.headers[.allow] == "GET, PATCH", "\(put.text)")
            #expect(put.headers[.contentType] == "application/problem+json")
            #expect(try await client.send(.delete, "/api/bookings").headers[.allow] == "GET, POST")
            #expect(try await client.send(.put, "/api/nothing-here").status == .notFound)
        }
    }
}
