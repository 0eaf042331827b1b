import BoxofficeDomain
import Foundation

/// Signup, login, refresh, logout and guests: the identities of the booking service and the tokens they get.
public struct AuthService: Sendable {
    /// Signs and verifies access tokens.
    public let codec: TokenCodec
    private let store: any IdentityStore
    private let revocations: RevocationList
    private let now: @Sendable () -> Date

    /// How long an access token of a signed-in identity works.
    public static let accessLifetime: TimeInterval = 15 * 60
    /// How long a guest's token works: a guest has no session to refresh, so it keeps its bookings this long.
    public static let guestLifetime: TimeInterval = 7 * 86_400
    /// How long a session (its refresh token) works without being used.
    public static let sessionLifetime: TimeInterval = 30 * 86_400

    /// What a client gets when it signs in, up or as a guest.
    public struct Grant: Sendable {
        /// The identity.
        public let identity: Identity
        /// The access token (`Authorization: Bearer …`).
        public let accessToken: String
        /// When the access token stops working.
        public let expiresAt: Date
        /// The refresh token; nil for a guest.
        public let refreshToken: RefreshToken?
    }

    /// Creates the service.
    /// - Parameter revocations: this process's list, told at once of the tokens a signup or a logout revokes (other
    ///   processes learn them from the store or the `tokens.revoked` message).
    public init(codec: TokenCodec, store: any IdentityStore, revocations: RevocationList = RevocationList(), now: @escaping @Sendable () -> Date = Date.init) {
        self.codec = codec
        self.store = store
        self.revocations = revocations
        self.now = now
    }

    /// A new guest identity: nothing is stored until it books or signs up.
    public func guest() throws -> Grant {
        let at = now()
        let identity = Identity(id: UUID(), email: nil, role: .guest)
        let expires = at.addingTimeInterval(Self.guestLifetime)
        let token = try codec.sign(AccessClaims(identity: identity.id, role: .guest, session: nil, issuedAt: at, expiresAt: expires))
        return Grant(identity: identity, accessToken: token, expiresAt: expires, refreshToken: nil)
    }

    /// Signs up with an email and a password; a guest signing up keeps its id, so its bookings and wallet stay its own,
    /// and its guest tokens stop working (the customer uses the new ones).
    /// - Throws: ``DomainError`` for a bad email or password, or an email taken.
    public func signup(email: String, password: String, upgrading guest: Principal?) async throws -> Grant {
        let email = try Emails.normalized(email)
        try Passwords.check(password)
        var id = UUID()
        if let guest {
            guard guest.role == .guest else { throw DomainError.invalid("This identity has an account already; log in instead.") }
            guard try await store.identity(id: guest.id) == nil else { throw DomainError.invalid("This guest has signed up already; log in instead.") }
            id = guest.id
        }
        let identity = Identity(id: id, email: email, role: .customer)
        let at = now()
        let revocation = guest.map { TokenRevocation(kind: .guest, subject: $0.id, until: at.addingTimeInterval(Self.guestLifetime)) }
        try await store.createIdentity(identity, passwordHash: Passwords.hash(password), at: at, revoking: revocation)
        if let revocation { revocations.add([revocation], now: at) }
        return try await startSession(for: identity)
    }

    /// Logs in. An unknown email and a wrong password get the same refusal, after the same time.
    public func login(email: String, password: String) async throws -> Grant {
        let found = try await store.identity(email: email.trimmingCharacters(in: .whitespaces).lowercased())
        guard Passwords.verify(password, hash: found?.passwordHash), let identity = found?.0 else { throw AuthRefusal.badCredentials }
        return try await startSession(for: identity)
    }

    /// A new access token for a session that still works.
    public func refresh(_ token: RefreshToken) async throws -> Grant {
        guard let session = try await store.session(token.session), session.secretHash == token.secretHash else { throw AuthRefusal.unknownSession }
        guard session.revokedAt == nil else { throw AuthRefusal.sessionEnded("was logged out") }
        guard session.expiresAt > now() else { throw AuthRefusal.sessionEnded("expired") }
        guard let identity = try await store.identity(id: session.identity) else { throw AuthRefusal.unknownSession }
        return try grant(identity, session: session.id, refresh: nil)
    }

    /// Logs a session out: its refresh token and its access tokens stop working (in this process at once, in the others
    /// as soon as they follow the revocation, within seconds).
    public func logout(_ token: RefreshToken) async throws {
        guard let session = try await store.session(token.session), session.secretHash == token.secretHash else { throw AuthRefusal.unknownSession }
        let at = now()
        let revocation = TokenRevocation(kind: .session, subject: session.id, until: at.addingTimeInterval(Self.accessLifetime))
        guard try await store.revokeSession(session.id, at: at, revoking: revocation) else { throw AuthRefusal.sessionEnded("was logged out already") }
        revocations.add([revocation], now: at)
    }

    /// The identity a principal stands for.
    public func identity(of principal: Principal) async throws -> Identity {
        if principal.role == .guest { return Identity(id: principal.id, email: nil, role: .guest) }
        if principal == .bootstrapOrganizer { return Identity(id: principal.id, email: nil, role: .organizer) }
        guard let identity = try await store.identity(id: principal.id) else { throw AuthRefusal.unknownSession }
        return identity
    }

    /// Makes an identity an organizer, creating it with the password when the email is new.
    /// - Returns: whether it was created.
    public func addOrganizer(email: String, password: String?) async throws -> Bool {
        let email = try Emails.normalized(email)
        if try await store.setRole(.organizer, email: email) { return false }
        guard let password else { throw DomainError.invalid("No account has the email \(email): give a password to create it.") }
        try Passwords.check(password)
        try await store.createIdentity(Identity(id: UUID(), email: email, role: .organizer), passwordHash: Passwords.hash(password), at: now(), revoking: nil)
        return true
    }

    private func startSession(for identity: Identity) async throws -> Grant {
        let token = RefreshToken.make()
        let at = now()
        try await store.createSession(
            Session(id: token.session, identity: identity.id, secretHash: token.secretHash, expiresAt: at.addingTimeInterval(Self.sessionLifetime), revokedAt: nil),
            at: at
        )
        return try grant(identity, session: token.session, refresh: token)
    }

    private func grant(_ identity: Identity, session: UUID, refresh: RefreshToken?) throws -> Grant {
        let at = now()
        let expires = at.addingTimeInterval(Self.accessLifetime)
        let token = try codec.sign(AccessClaims(identity: identity.id, role: identity.role, session: session, issuedAt: at, expiresAt: expires))
        return Grant(identity: identity, accessToken: token, expiresAt: expires, refreshToken: refresh)
    }
}

/// Why a sign-in or a session was refused.
public enum AuthRefusal: Error, Equatable, Sendable {
    /// The email and password do not match an account (which one is wrong is not said).
    case badCredentials
    /// The refresh token names no session of ours.
    case unknownSession
    /// The session is over.
    case sessionEnded(String)

    /// A sentence for the client.
    public var detail: String {
        switch self {
        case .badCredentials: "The email or the password is wrong."
        case .unknownSession: "The refresh token names no session; log in again."
        case .sessionEnded(let how): "This session \(how); log in again."
        }
    }
}

/// The email rule: something `@` a domain with a dot, no spaces, at most 254 characters; kept lowercase.
public enum Emails {
    /// The email, trimmed and lowercased, if it is one.
    public static func normalized(_ text: String) throws(DomainError) -> String {
        let email = text.trimmingCharacters(in: .whitespaces).lowercased()
        let parts = email.split(separator: "@", omittingEmptySubsequences: false)
        guard email.count <= 254, parts.count == 2, !parts[0].isEmpty, parts[1].contains("."), !parts[1].hasPrefix("."), !parts[1].hasSuffix("."),
            !email.contains(where: { $0.isWhitespace || $0.isNewline }), !email.unicodeScalars.contains(where: isHidden)
        else { throw .invalid("That is not an email address: it must be name@domain, without spaces, control or direction characters.") }
        return email
    }

    /// Characters that print nothing or change how the rest prints (NUL, control, right-to-left overrides,
    /// zero-width): an address with one would show as another address.
    private static func isHidden(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.properties.generalCategory {
        case .control, .format, .lineSeparator, .paragraphSeparator, .privateUse, .surrogate, .unassigned: true
        default: false
        }
    }
}
