import BoxofficeAuth
import HTTPTypes
import Hummingbird

/// Lets the configured other origins (`--allowed-origins`) call the API from a browser.
///
/// A request from a configured origin gets `Access-Control-Allow-Origin` with that origin — its refusals too, so
/// the page can read them — and its preflight (`OPTIONS` with `Access-Control-Request-Method`) a `204` naming the
/// methods and headers the API takes. Which origins may do what is the admission step's rule (``AdmissionRule/origin``);
/// this middleware runs before it only to add the headers.
struct CrossOriginMiddleware: RouterMiddleware {
    typealias Context = BoxofficeRequestContext

    let origins: OriginPolicy

    static let allowedMethods = "GET, POST"
    static let allowedHeaders = "Authorization, Content-Type, Idempotency-Key, If-None-Match, X-Request-Id"
    static let exposedHeaders = "Location, Link, ETag, Retry-After, Idempotent-Replayed, X-Request-Id"

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        guard let origin = request.headers[.origin], origins.isConfigured(origin) else { return try await next(request, context) }
        if Self.isPreflight(request.head) { return Response(status: .noContent, headers: corsHeaders(origin, preflight: true)) }
        var response: Response
        do {
            response = try await next(request, context)
        } catch {
            response = try ProblemMiddleware<Context>.problem(for: error, logger: context.logger).response(from: request, context: context)
        }
        for field in corsHeaders(origin, preflight: false) { response.headers.append(field) }
        return response
    }

    /// Whether a request is a CORS preflight.
    static func isPreflight(_ head: HTTPRequest) -> Bool {
        head.method == .options && head.headerFields[.accessControlRequestMethod] != nil
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
