import BoxofficeAuth
import BoxofficeDomain
import Foundation
import HTTPTypes

/// Turns a request's `Authorization` header into the principal it acts for, the same way on every path (the
/// router, the event loop's fast path, the live socket) and in every service, without a database.
public struct Authenticator: Sendable {
    /// Signs and verifies the tokens.
    public let codec: TokenCodec
    /// The tokens revoked before their expiry, which this process follows.
    public let revocations: RevocationList
    private let organizerToken: [UInt8]
    private let now: @Sendable () -> Date
    private let verified = VerifiedTokens()

    /// Creates an authenticator.
    /// - Parameters:
    ///   - organizerToken: the bootstrap organizer token (`BOXOFFICE_ORGANIZER_TOKEN`), which acts as
    ///     ``Principal/bootstrapOrganizer``.
    ///   - revocations: the tokens revoked before their expiry: a guest's that signed up, a logged-out session's.
    public init(codec: TokenCodec, organizerToken: String, revocations: RevocationList = RevocationList(), now: @escaping @Sendable () -> Date = Date.init) {
        self.codec = codec
        self.revocations = revocations
        self.organizerToken = Array(organizerToken.utf8)
        self.now = now
    }

    /// The principal of an `Authorization` header: nil without one.
    /// - Throws: ``Problem`` 401 for any other scheme than Bearer, a token that is not ours, changed or expired.
    public func principal(authorization: String?) throws(Problem) -> Principal? {
        guard let authorization else { return nil }
        guard let token = Self.bearerToken(authorization) else { throw Self.refusal("Send the token as Authorization: Bearer <token>.") }
        if Self.constantTimeEqual(Array(token.utf8), organizerToken) { return .bootstrapOrganizer }
        let at = now()
        if let known = verified.principal(of: token, now: at) { return try unrevoked(known, at: at) }
        let claims: AccessClaims
        do {
            claims = try codec.verify(token, now: at)
        } catch {
            throw Self.refusal(error.detail, expired: error == .expired)
        }
        guard let id = claims.identity else { throw Self.refusal(TokenError.malformed("no subject").detail) }
        let principal = Principal(id: id, role: claims.role, session: claims.session)
        verified.remember(token, as: principal, until: claims.expiresAt)
        return try unrevoked(principal, at: at)
    }

    private func unrevoked(_ principal: Principal, at: Date) throws(Problem) -> Principal {
        guard !revocations.isRevoked(principal, now: at) else {
            throw Self.refusal("The token was revoked: its session logged out, or its guest signed up. Sign in again.")
        }
        return principal
    }

    /// A new guest's principal and token, for a request without one that makes something of its own.
    public func newGuest() throws -> (Principal, token: String) {
        let at = now()
        let id = UUID()
        let token = try codec.sign(AccessClaims(identity: id, role: .guest, session: nil, issuedAt: at, expiresAt: at.addingTimeInterval(AuthService.guestLifetime)))
        return (Principal(id: id, role: .guest, session: nil), token)
    }

    /// The token of `Bearer <token>` (the scheme in any case, spaces around the token allowed), read byte by byte:
    /// the fast path asks it of every hold.
    static func bearerToken(_ authorization: String) -> String? {
        let bytes = authorization.utf8
        let scheme = "bearer ".utf8
        guard ASCIICase.hasPrefix(bytes, scheme) else { return nil }
        let token = bytes.dropFirst(scheme.count).drop { $0 == UInt8(ascii: " ") }
        let end = token.lastIndex { $0 != UInt8(ascii: " ") }
        guard let end else { return nil }
        return String(Substring(token[...end]))
    }

    static func refusal(_ detail: String, expired: Bool = false) -> Problem {
        Problem(
            .unauthorized, type: expired ? "token-expired" : "invalid-token", detail: detail,
            headers: [.wwwAuthenticate: #"Bearer error="invalid_token""#]
        )
    }

    private static func constantTimeEqual(_ lhs: [UInt8], _ rhs: [UInt8]) -> Bool {
        guard lhs.count == rhs.count, !rhs.isEmpty else { return false }
        var difference: UInt8 = 0
        for (left, right) in zip(lhs, rhs) { difference |= left ^ right }
        return difference == 0
    }
}
