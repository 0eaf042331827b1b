import BoxofficeAuth
import BoxofficeDomain
import BoxofficeWaitingRoom
import Foundation
import HTTPTypes

/// The one step every request passes before anything acts on it, on the router's path (``AdmissionMiddleware``)
/// and the event loop's fast path alike: every rule about who may send what lives here, once.
///
/// It reads the request head (and the address it comes from), does no I/O, and either refuses the request with
/// the problem of the first ``AdmissionRule`` it breaks, or admits it with what later steps need: its canonical
/// path, its principal, its body limit, its idempotency key. Rate-limit allowances are taken here. The order is
/// ``AdmissionRule``'s: a request is never read past its head before identity and limits allow it.
public struct Admission: Sendable {
    /// Reads tokens.
    public let authenticator: Authenticator
    /// Which pages may write.
    public let origins: OriginPolicy
    /// The writes' rate limits; nil limits nothing.
    public let limiter: RateLimiter?
    /// Which address a request comes from.
    public let addresses: ClientAddresses
    /// Whether writes take an `Idempotency-Key` (the service keeps them).
    public let takesIdempotencyKeys: Bool
    /// Checks waiting rooms' admission passes; nil ignores `Queue-Pass`.
    public let passes: PassSigner?
    /// The time, for passes' expiry.
    public let now: @Sendable () -> Date

    /// The most header fields a request may have.
    public static let maxHeaderFields = 64
    /// The largest JSON write (a booking, a payment).
    public static let jsonBodyLimit = 64 * 1024
    /// The largest sign-up, log-in or refresh.
    public static let credentialsBodyLimit = 4 * 1024
    /// The largest wallet write.
    public static let walletBodyLimit = 16 * 1024
    /// The largest event description: room for a 200,000-seat map listed seat by seat.
    public static let eventBodyLimit = 16 * 1024 * 1024
    /// The longest `Idempotency-Key`.
    public static let idempotencyKeyLimit = 255

    /// Creates the step.
    public init(
        authenticator: Authenticator, origins: OriginPolicy, limiter: RateLimiter?, addresses: ClientAddresses, takesIdempotencyKeys: Bool,
        passes: PassSigner? = nil, now: @escaping @Sendable () -> Date = Date.init
    ) {
        self.passes = passes
        self.now = now
        self.authenticator = authenticator
        self.origins = origins
        self.limiter = limiter.flatMap { $0.isOff ? nil : $0 }
        self.addresses = addresses
        self.takesIdempotencyKeys = takesIdempotencyKeys
    }

    /// Admits or refuses a request by its head.
    /// - Parameter peer: the connection's peer address, asked only when limits are on.
    public func admit(_ head: HTTPRequest, peer: @autoclosure () -> String?) -> Result<AdmittedRequest, AdmissionRefusal> {
        guard let path = head.path.flatMap(CanonicalPath.init(target:)) else {
            return .failure(AdmissionRefusal(rule: .canonicalPath, problem: Problem(
                .badRequest, type: "non-canonical-path",
                detail: "Spell the path one way: no empty, '.' or '..' segments, no encoded '/', '\\', '.' or control characters."
            )))
        }
        guard head.headerFields.count <= Self.maxHeaderFields else {
            return .failure(AdmissionRefusal(rule: .requestHead, problem: Problem(
                .requestHeaderFieldsTooLarge, type: "too-many-header-fields", detail: "A request may have at most \(Self.maxHeaderFields) header fields."
            )))
        }
        let principal: Principal?
        do {
            principal = try authenticator.principal(authorization: head.headerFields[.authorization])
        } catch {
            return .failure(AdmissionRefusal(rule: .identity, problem: error))
        }
        var admittedTo: EventID?
        if let passes, let text = head.headerFields[.queuePass] {
            guard let holder = principal?.owner, let pass = passes.verify(Substring(text), holder: holder, now: now()) else {
                return .failure(AdmissionRefusal(rule: .queuePass, problem: Problem(
                    .forbidden, type: "queue-pass-invalid",
                    detail: "This Queue-Pass is not valid: it has run out, belongs to another identity, or was not issued here. Read a new one from GET /api/events/{id}/queue/me."
                )))
            }
            admittedTo = pass.event
        }
        let isWrite = head.method != .get && head.method != .head && head.method != .options
        let isPreflight = head.method == .options && head.headerFields[.accessControlRequestMethod] != nil
        if let origin = head.headerFields[.origin], isWrite && !origins.allows(head) || isPreflight && !origins.isConfigured(origin) {
            return .failure(AdmissionRefusal(rule: .origin, problem: Problem(
                .forbidden, type: "origin-not-allowed", detail: "Pages of \(origin) may not call this API (--allowed-origins)."
            )))
        }
        // A chunked body may be empty (clients send one for a POST without a body): its reader checks it.
        let declaresBody = (head.headerFields[.contentLength].flatMap(Int.init) ?? 0) > 0
        if isWrite, path.isAPI, declaresBody, !APICoding.isJSON(head.headerFields[.contentType]) {
            return .failure(AdmissionRefusal(rule: .contentType, problem: Problem(
                .unsupportedMediaType, type: "unsupported-media-type", detail: "Send the body as JSON, with Content-Type: application/json."
            )))
        }
        let bodyLimit = Self.bodyLimit(head.method, path)
        if let length = head.headerFields[.contentLength].flatMap(Int.init), length > bodyLimit {
            return .failure(AdmissionRefusal(rule: .bodyLimit, problem: .bodyTooLarge(limit: bodyLimit)))
        }
        let idempotencyKey = takesIdempotencyKeys && head.method == .post && path.isAPI && !path.starts(with: "/api/auth/")
            ? head.headerFields[.idempotencyKey] : nil
        if let key = idempotencyKey {
            guard Self.isValidKey(key) else {
                return .failure(AdmissionRefusal(rule: .idempotencyKey, problem: Problem(
                    .badRequest, type: "invalid-idempotency-key", detail: "Idempotency-Key must be 1 to \(Self.idempotencyKeyLimit) visible ASCII characters."
                )))
            }
            // A key is an identity's: an anonymous answer would carry a new guest's token to whoever repeats the key.
            guard principal != nil else {
                return .failure(AdmissionRefusal(rule: .idempotencyKey, problem: Problem(
                    .unauthorized, type: "idempotency-key-needs-token",
                    detail: "An Idempotency-Key belongs to an identity: send it with a token (POST /api/auth/guest gives one).",
                    headers: [.wwwAuthenticate: "Bearer"]
                )))
            }
        }
        // Without limits no rule needs the address or the action: not working them out keeps the fast path fast.
        let address = limiter == nil ? nil : addresses.client(of: head, peer: peer())
        let action = limiter == nil ? nil : RateLimits.Action.of(method: head.method, path: path)
        let makesIdentity = action == .signups || ((action == .holds || action == .joins) && principal == nil)
        if let action, let limiter {
            if let wait = limiter.admit(action, identity: action.isPerIdentity ? principal?.owner : nil, address: address) {
                return .failure(Self.tooMany(action, wait: wait))
            }
            if makesIdentity, let wait = limiter.admit(.guests, identity: nil, address: address) {
                limiter.giveBack(action, identity: action.isPerIdentity ? principal?.owner : nil, address: address)
                return .failure(Self.tooMany(.guests, wait: wait))
            }
        }
        return .success(AdmittedRequest(
            path: path, principal: principal, address: address, holdingAddress: limiter == nil ? nil : address, action: action,
            makesIdentity: makesIdentity, bodyLimit: bodyLimit, idempotencyKey: idempotencyKey, admittedTo: admittedTo
        ))
    }

    private static func tooMany(_ action: RateLimits.Action, wait: TimeInterval) -> AdmissionRefusal {
        let seconds = max(1, Int(wait.rounded(.up)))
        let what = action == .guests ? "new identities from your address" : action.rawValue
        return AdmissionRefusal(rule: .rateLimit, problem: Problem(
            .tooManyRequests, type: "rate-limited", detail: "Too many \(what) in a short time; try again in \(seconds) s.",
            headers: [.retryAfter: String(seconds)]
        ))
    }

    /// Gives back the rate allowance an admitted request took, when it is handed on to be admitted again (the
    /// fast path passing a request to the router).
    public func giveBack(_ admitted: AdmittedRequest) {
        guard let action = admitted.action, let limiter else { return }
        limiter.giveBack(action, identity: action.isPerIdentity ? admitted.principal?.owner : nil, address: admitted.address)
        if admitted.makesIdentity { limiter.giveBack(.guests, identity: nil, address: admitted.address) }
    }

    /// The largest body a route takes.
    static func bodyLimit(_ method: HTTPRequest.Method, _ path: CanonicalPath) -> Int {
        if path.starts(with: "/api/auth/") { return credentialsBodyLimit }
        if path.text == "/api/accounts" || path.starts(with: "/api/accounts/") { return walletBodyLimit }
        if method == .post, path.text == "/api/events" { return eventBodyLimit }
        return jsonBodyLimit
    }

    /// Whether a value may serve as an `Idempotency-Key`.
    static func isValidKey(_ key: String) -> Bool {
        !key.isEmpty && key.utf8.count <= idempotencyKeyLimit && key.utf8.allSatisfy { (0x21 ... 0x7E).contains($0) }
    }
}

extension RateLimits.Action {
    /// The action a request is, if it is limited.
    static func of(method: HTTPRequest.Method, path: CanonicalPath) -> Self? {
        guard method == .post else { return nil }
        let parts = path.apiSegments
        switch (parts.count, parts.first, parts.last) {
        case (2, "book", "safe"), (1, "bookings", _): return .holds
        case (3, "bookings", "pay"): return .payments
        case (3, "accounts", "deposits"): return .deposits
        case (2, "auth", "signup"), (2, "auth", "guest"): return .signups
        case (2, "auth", "login"), (2, "auth", "refresh"): return .logins
        case (3, "events", "queue"): return .joins
        default: return nil
        }
    }

    /// Whether the identity's own bucket counts too; signups and logins come before there is one.
    var isPerIdentity: Bool {
        switch self {
        case .holds, .payments, .deposits, .joins: true
        case .signups, .logins, .guests: false
        }
    }
}
