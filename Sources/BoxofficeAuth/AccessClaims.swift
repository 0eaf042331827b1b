import BoxofficeDomain
import Foundation
import JWTKit

/// What an access token says: whose it is, what it may do, the session it came from, and until when.
public struct AccessClaims: JWTPayload, Equatable {
    /// The identity's id.
    public var sub: SubjectClaim
    /// The identity's role.
    public var role: Identity.Role
    /// The session a signed-in identity's token came from; nil for a guest.
    public var sid: String?
    /// When it was issued.
    public var iat: IssuedAtClaim
    /// When it stops working.
    public var exp: ExpirationClaim

    /// Creates claims.
    public init(identity: UUID, role: Identity.Role, session: UUID?, issuedAt: Date, expiresAt: Date) {
        self.sub = SubjectClaim(value: identity.uuidString.lowercased())
        self.role = role
        self.sid = session?.uuidString.lowercased()
        self.iat = IssuedAtClaim(value: issuedAt)
        self.exp = ExpirationClaim(value: expiresAt)
    }

    /// The identity's id.
    public var identity: UUID? { UUID(uuidString: sub.value) }
    /// The session's id.
    public var session: UUID? { sid.flatMap(UUID.init(uuidString:)) }
    /// When it stops working.
    public var expiresAt: Date { exp.value }

    public func verify(using algorithm: some JWTAlgorithm) throws {
        try exp.verifyNotExpired()
    }
}

/// Who a request acts for, once its token is verified.
public struct Principal: Sendable, Equatable {
    /// The identity's id.
    public let id: UUID
    /// What it may do.
    public let role: Identity.Role
    /// The session its token came from; nil for a guest, or the organizer's bootstrap token.
    public let session: UUID?

    /// Creates a principal.
    public init(id: UUID, role: Identity.Role, session: UUID?) {
        self.id = id
        self.role = role
        self.session = session
    }

    /// The owner name of its bookings and wallet.
    public var owner: String { id.uuidString.lowercased() }

    /// Whether it may act on what `owner` owns: its own, or anything for an organizer.
    public func mayAct(for owner: String) -> Bool {
        role == .organizer || owner == self.owner
    }

    /// The organizer's bootstrap token (`BOXOFFICE_ORGANIZER_TOKEN`) acts as this identity.
    public static let bootstrapOrganizer = Principal(id: UUID(uuidString: "00000000-0000-4000-8000-000000000001")!, role: .organizer, session: nil)
}
