import BoxofficeAuth
import BoxofficeDomain
import Hummingbird

extension BoxofficeRequestContext {
    /// The largest body the request's route takes (the admission step's word).
    var bodyLimit: Int { admitted?.bodyLimit ?? Admission.jsonBodyLimit }

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
