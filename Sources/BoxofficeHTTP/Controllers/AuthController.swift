import BoxofficeAuth
import BoxofficeDomain
import Foundation
import Hummingbird

/// Identities: guests, signup, login, refresh, logout, and who the token is.
struct AuthController {
    let auth: AuthService

    func addRoutes(to group: RouterGroup<BoxofficeRequestContext>) {
        group.post("auth/guest", use: guest)
        group.post("auth/signup", use: signup)
        group.post("auth/login", use: login)
        group.post("auth/refresh", use: refresh)
        group.post("auth/logout", use: logout)
        group.get("auth/me", use: me)
    }

    private func guest(_ request: Request, context: BoxofficeRequestContext) async throws -> EditedResponse<GrantBody> {
        EditedResponse(status: .created, response: GrantBody(try auth.guest()))
    }

    /// Signs up; with a guest's token the guest becomes the customer, keeping its bookings and wallet.
    private func signup(_ request: Request, context: BoxofficeRequestContext) async throws -> EditedResponse<GrantBody> {
        let body = try await request.decodeJSON(CredentialsRequest.self, limit: context.bodyLimit)
        let grant = try await auth.signup(email: body.email, password: body.password, upgrading: context.principal)
        return EditedResponse(status: .created, response: GrantBody(grant))
    }

    private func login(_ request: Request, context: BoxofficeRequestContext) async throws -> GrantBody {
        let body = try await request.decodeJSON(CredentialsRequest.self, limit: context.bodyLimit)
        do {
            return GrantBody(try await auth.login(email: body.email, password: body.password))
        } catch let refusal as AuthRefusal {
            throw Self.problem(refusal)
        }
    }

    private func refresh(_ request: Request, context: BoxofficeRequestContext) async throws -> GrantBody {
        let token = try await refreshToken(request)
        do {
            return GrantBody(try await auth.refresh(token))
        } catch let refusal as AuthRefusal {
            throw Self.problem(refusal)
        }
    }

    private func logout(_ request: Request, context: BoxofficeRequestContext) async throws -> Response {
        let token = try await refreshToken(request)
        do {
            try await auth.logout(token)
        } catch let refusal as AuthRefusal {
            throw Self.problem(refusal)
        }
        return Response(status: .noContent)
    }

    private func me(_ request: Request, context: BoxofficeRequestContext) async throws -> IdentityBody {
        do {
            return IdentityBody(try await auth.identity(of: try context.requirePrincipal()))
        } catch let refusal as AuthRefusal {
            throw Self.problem(refusal)
        }
    }

    private func refreshToken(_ request: Request) async throws -> RefreshToken {
        let body = try await request.decodeJSON(RefreshRequest.self, limit: Admission.credentialsBodyLimit)
        guard let token = RefreshToken(body.refreshToken) else { throw Problem.malformed("refresh_token is not a refresh token of ours.") }
        return token
    }

    private static func problem(_ refusal: AuthRefusal) -> Problem {
        Problem(.unauthorized, type: refusal == .badCredentials ? "bad-credentials" : "session-ended", detail: refusal.detail)
    }
}
