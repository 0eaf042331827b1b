import BoxofficeAuth
import Foundation
import HTTPTypes
import Hummingbird

/// Answers `429 Too Many Requests` with `Retry-After` to writes over their rate (see ``RateLimits``): per identity
/// (the token's) and per address.
struct RateLimitMiddleware: RouterMiddleware {
    typealias Context = BoxofficeRequestContext

    let limiter: RateLimiter
    let addresses: ClientAddresses

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        guard let action = RateLimits.Action.of(method: request.method, path: request.uri.path) else { return try await next(request, context) }
        let identity = action.isPerIdentity ? context.principal?.owner : nil
        if let wait = limiter.admit(action, identity: identity, address: addresses.client(of: request.head, peer: context.peerAddress)) {
            throw RateLimitMiddleware.tooMany(action, wait: wait)
        }
        return try await next(request, context)
    }

    /// The `429` problem.
    static func tooMany(_ action: RateLimits.Action, wait: TimeInterval) -> Problem {
        let seconds = max(1, Int(wait.rounded(.up)))
        return Problem(
            .tooManyRequests, type: "rate-limited", detail: "Too many \(action.rawValue) in a short time; try again in \(seconds) s.",
            headers: [.retryAfter: String(seconds)]
        )
    }
}

extension RateLimits.Action {
    /// The action a request is, if it is limited.
    static func of(method: HTTPRequest.Method, path: String) -> Self? {
        guard method == .post, path.hasPrefix("/\(APIRoutes.api)/") else { return nil }
        let parts = path.split(separator: "/", omittingEmptySubsequences: true).dropFirst()
        switch (parts.count, parts.first, parts.last) {
        case (2, "book", "safe"), (1, "bookings", _): return .holds
        case (3, "bookings", "pay"): return .payments
        case (3, "accounts", "deposits"): return .deposits
        case (2, "auth", "signup"), (2, "auth", "guest"): return .signups
        case (2, "auth", "login"), (2, "auth", "refresh"): return .logins
        default: return nil
        }
    }

    /// Whether the identity's own bucket counts too; signups and logins come before there is one.
    var isPerIdentity: Bool {
        switch self {
        case .holds, .payments, .deposits: true
        case .signups, .logins: false
        }
    }
}
