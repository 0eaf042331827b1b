import BoxofficeAuth
import BoxofficeDomain
import BoxofficeWaitingRoom
import Foundation

/// Everything the HTTP layer needs besides the services' parts.
public struct APIConfiguration: Sendable {
    /// Reads every request's token (and knows the organizer's bootstrap token).
    public var authenticator: Authenticator
    /// Which web pages may call from a browser and open live sockets.
    public var origins: OriginPolicy
    /// Where `Idempotency-Key`s and their answers are kept; nil ignores the header.
    public var idempotency: (any IdempotencyStore)?
    /// The writes' rate limits; nil limits nothing.
    public var limiter: RateLimiter?
    /// Which address a request comes from (for the per-address limits).
    public var addresses: ClientAddresses
    /// Signs and checks waiting rooms' admission passes; nil runs no waiting rooms.
    public var passes: PassSigner?
    /// The time, for passes' expiry.
    public var now: @Sendable () -> Date
    /// The admission step of every request, built of the parts above.
    public var admission: Admission {
        Admission(authenticator: authenticator, origins: origins, limiter: limiter, addresses: addresses, takesIdempotencyKeys: idempotency != nil, passes: passes, now: now)
    }
    /// Whether `POST /api/init_db` is open to everyone.
    public var demoMode: Bool
    /// Whether to log one line per request at info level.
    public var logRequests: Bool
    /// Renders the process's metrics in the Prometheus text format for `GET /metrics`; nil serves no metrics.
    public var metrics: (@Sendable () -> String)?
    /// The folder of the web app's static files, served at `/`; nil serves none.
    public var publicDirectory: String?

    /// Creates a configuration.
    public init(
        authenticator: Authenticator, origins: OriginPolicy = OriginPolicy(), idempotency: (any IdempotencyStore)? = nil,
        limiter: RateLimiter? = nil, addresses: ClientAddresses = ClientAddresses(trustForwardedFor: false), demoMode: Bool, logRequests: Bool, metrics: (@Sendable () -> String)? = nil,
        publicDirectory: String? = nil, passes: PassSigner? = nil, now: @escaping @Sendable () -> Date = Date.init
    ) {
        self.passes = passes
        self.now = now
        self.authenticator = authenticator
        self.origins = origins
        self.idempotency = idempotency
        self.limiter = limiter
        self.addresses = addresses
        self.demoMode = demoMode
        self.logRequests = logRequests
        self.metrics = metrics
        self.publicDirectory = publicDirectory
    }
}
