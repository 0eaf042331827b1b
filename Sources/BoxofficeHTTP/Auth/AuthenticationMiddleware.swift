import BoxofficeAuth
import BoxofficeDomain
import Hummingbird

/// Puts every request's principal into its context; a request whose token cannot be used is answered 401 at once.
struct AuthenticationMiddleware: RouterMiddleware {
    typealias Context = BoxofficeRequestContext

    let authenticator: Authenticator

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        var context = context
        context.principal = try authenticator.principal(authorization: request.headers[.authorization])
        return try await next(request, context)
    }
}

extension BoxofficeRequestContext {
    /// The principal, or 401 asking for a token.
    func requirePrincipal() throws -> Principal {
        guard let principal else {
            throw Problem(
                .unauthorized, type: "unauthorized",
                detail: "Sign in first: send Authorization: Bearer <token> (POST /api/auth/login, or /api/auth/guest for a guest).",
                headers: [.wwwAuthenticate: "Bearer"]
            )
        }
        return principal
    }

    /// The principal, if it is an organizer; 401 without a token, 403 for anyone else.
    func requireOrganizer() throws -> Principal {
        let principal = try requirePrincipal()
        guard principal.role == .organizer else { throw Problem(.forbidden, type: "forbidden", detail: "Only an organizer may do this.") }
        return principal
    }
}
