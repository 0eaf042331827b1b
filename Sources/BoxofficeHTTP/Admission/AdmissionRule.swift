/// The rules of the admission step, in the order it applies them; the first that refuses answers.
public enum AdmissionRule: String, Sendable, CaseIterable {
    /// One spelling of every path (``CanonicalPath``): `400`.
    case canonicalPath
    /// At most ``Admission/maxHeaderFields`` header fields: `431`.
    case requestHead
    /// A token that is ours, unchanged and unexpired, when one is sent: `401`.
    case identity
    /// A `Queue-Pass`, when one is sent, signed by this service, unexpired and its holder's (the token's identity): `403`.
    case queuePass
    /// Writes only from pages of this host or the configured origins, preflights only from the configured: `403`.
    case origin
    /// Bodies of writes to the API only as JSON: `415`.
    case contentType
    /// A declared body no larger than the route takes: `413`, before a byte of it is read.
    case bodyLimit
    /// Writes within their rate, per identity and per address: `429`.
    case rateLimit
    /// An `Idempotency-Key` of visible ASCII, sent with a token: `400`, `401`.
    case idempotencyKey
}

/// A request the admission step refused: which rule, and the answer.
public struct AdmissionRefusal: Error, Sendable {
    /// The rule that refused it.
    public let rule: AdmissionRule
    /// The answer.
    public let problem: Problem
}
