import BoxofficeAuth
import BoxofficeDomain
import Foundation
import Hummingbird

/// `POST /api/auth/signup` and `/login`.
struct CredentialsRequest: Decodable {
    let email: String
    let password: String
}

/// `POST /api/auth/refresh` and `/logout`.
struct RefreshRequest: Decodable {
    let refreshToken: String
}

/// An identity as the API shows it.
struct IdentityBody: ResponseEncodable {
    let id: String
    let email: String?
    let role: String

    init(_ identity: Identity) {
        id = identity.owner
        email = identity.email
        role = identity.role.rawValue
    }
}

/// What signing in, up, as a guest or refreshing answers.
struct GrantBody: ResponseEncodable {
    let accessToken: String
    let tokenType = "Bearer"
    let expiresAt: Date
    let refreshToken: String?
    let identity: IdentityBody

    init(_ grant: AuthService.Grant) {
        accessToken = grant.accessToken
        expiresAt = grant.expiresAt
        refreshToken = grant.refreshToken?.text
        identity = IdentityBody(grant.identity)
    }
}
