import HTTPTypes

extension HTTPField.Name {
    /// `X-Request-Id`: names one request across the gateway's and every service's logs.
    public static let requestID = HTTPField.Name("X-Request-Id")!
    /// `Link` (RFC 8288): where the next page of a list is.
    public static let link = HTTPField.Name("Link")!
    /// `Idempotency-Key`: a client's name for one write, so a retry of it is done once.
    public static let idempotencyKey = HTTPField.Name("Idempotency-Key")!
    /// `Idempotent-Replayed: true`: this answer is the first answer to an earlier request with the same key.
    public static let idempotentReplayed = HTTPField.Name("Idempotent-Replayed")!
    /// A waiting room's admission pass, sent with every hold of a queued event.
    public static let queuePass = HTTPField.Name("Queue-Pass")!
}
