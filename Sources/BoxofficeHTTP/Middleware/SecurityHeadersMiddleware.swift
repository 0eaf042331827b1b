import HTTPTypes
import Hummingbird

/// Puts the browser's security headers on every answer (the web app, `/docs`, the API and its refusals): a
/// content security policy that the app's own files pass and nothing else does (no inline script or style, no
/// other origin, no framing), `nosniff`, no `Referer` to other sites.
struct SecurityHeadersMiddleware: RouterMiddleware {
    typealias Context = BoxofficeRequestContext

    /// The headers, also written by the event loop's fast path.
    static let fields: HTTPFields = [
        .contentSecurityPolicy: "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data: blob:; "
            + "connect-src 'self'; worker-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'",
        .xContentTypeOptions: "nosniff",
        .xFrameOptions: "DENY",
        .referrerPolicy: "same-origin",
    ]

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        var response = try await next(request, context)
        for field in Self.fields where response.headers[field.name] == nil { response.headers.append(field) }
        return response
    }
}

extension HTTPField.Name {
    /// `X-Content-Type-Options`.
    static let xContentTypeOptions = HTTPField.Name("X-Content-Type-Options")!
    /// `X-Frame-Options`.
    static let xFrameOptions = HTTPField.Name("X-Frame-Options")!
    /// `Referrer-Policy`.
    static let referrerPolicy = HTTPField.Name("Referrer-Policy")!
}
