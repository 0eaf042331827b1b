/// A part of the process that must be up before it serves: a database loaded and migrated, a broker connection.
public struct ReadinessCheck: Sendable {
    /// What is waited for, in words (`/health/ready` names it while it is not up).
    public let name: String
    /// Whether it is up now.
    public let isReady: @Sendable () -> Bool

    /// Creates a check.
    public init(_ name: String, isReady: @escaping @Sendable () -> Bool) {
        self.name = name
        self.isReady = isReady
    }
}
