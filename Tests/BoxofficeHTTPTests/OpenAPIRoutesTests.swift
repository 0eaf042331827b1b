import BoxofficeApp
import BoxofficeTestSupport
import Foundation
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
}
