import BoxofficeAuth
import HTTPTypes
import Hummingbird

/// Lets the configured other origins (`--allowed-origins`) call the API from a browser, and nobody else.
///
/// A request from a configured origin gets `Access-Control-Allow-Origin` with that origin, and its preflight
/// (`OPTIONS` with `Access-Control-Request-Method`) a `204` naming the methods and headers the API takes. A write
/// from a page of any other origin is refused `403` before it runs; reads get no CORS headers, so the page cannot
/// see them. Requests without `Origin` (not from a browser) and pages of the server's own host pass as they are.
struct CrossOriginMiddleware: RouterMiddleware {
    typealias Context = BoxofficeRequestContext

    let origins: OriginPolicy

    static let allowedMethods = "GET, POST"
    static let allowedHeaders = "Authorization, Content-Type, Idempotency-Key, If-None-Match, X-Request-Id"
    static let exposedHeaders = "Location, Link, ETag, Retry-After, Idempotent-Replayed, X-Request-Id"

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        guard let origin = request.headers[.origin] else { return try await next(request, context) }
        let configured = origins.isConfigured(origin)
        if request.method == .options, request.headers[.accessControlRequestMethod] != nil {
            guard configured else {
                throw Problem(.forbidden, type: "origin-not-allowed", detail: "Pages of \(origin) may not call this API (--allowed-origins).")
            }
            return Response(status: .noContent, headers: corsHeaders(origin, preflight: true))
        }
        guard origins.allows(request.head) else {
            if request.method == .get || request.method == .head { return try await next(request, context) }
            throw Problem(.forbidden, type: "origin-not-allowed", detail: "Pages of \(origin) may not call this API (--allowed-origins).")
        }
        guard configured else { return try await next(request, context) }
        var response: Response
        do {
            response = try await next(request, context)
        } catch {
            // A refusal too must be readable by the page (its problem, its Retry-After).
            response = try ProblemMiddleware<Context>.problem(for: error, logger: context.logger).response(from: request, context: context)
        }
        for field in corsHeaders(origin, preflight: false) { response.headers.append(field) }
        return response
    }

    private func corsHeaders(_ origin: String, preflight: Bool) -> HTTPFields {
        var headers: HTTPFields = [.accessControlAllowOrigin: origin, .vary: "Origin"]
        if preflight {
            headers[.accessControlAllowMethods] = Self.allowedMethods
            headers[.accessControlAllowHeaders] = Self.allowedHeaders
            headers[.accessControlMaxAge] = "600"
        } else {
            headers[.accessControlExposeHeaders] = Self.exposedHeaders
        }
        return headers
    }
}
