import BoxofficeAuth
import BoxofficeDomain

/// What the admission step knows of a request it let in; every later step reads it from here.
public struct AdmittedRequest: Sendable {
    /// The path, in its one spelling.
    public let path: CanonicalPath
    /// Who the request acts for; nil for an anonymous request.
    public let principal: Principal?
    /// The client's address (behind a trusted gateway, the one it forwarded); nil when the limits are off.
    public let address: String?
    /// The address a hold counts against its event's address cap; nil when the limits are off
    /// (`--rate-limit off`, for benchmarks that sell a hall from one address).
    public let holdingAddress: String?
    /// The rate-limited action it is, whose allowance it took; nil when the limits are off.
    public let action: RateLimits.Action?
    /// Whether it makes a new identity (an anonymous hold, a guest, a signup), which took from the address's
    /// hourly allowance of new identities too.
    public let makesIdentity: Bool
    /// The largest body the route takes, in bytes.
    public let bodyLimit: Int
    /// The `Idempotency-Key` the write is to be done once under; nil when it has none, or the route takes none.
    public let idempotencyKey: String?
    /// The event its checked `Queue-Pass` admits it to; nil without one. A hold of an event sold behind a waiting
    /// room needs it (``HoldRequest/admittedTo``).
    public let admittedTo: EventID?
}
