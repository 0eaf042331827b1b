/// A configuration or URL that cannot be used; its message never contains the password.
public struct AMQPConfigurationError: Error, Sendable, Hashable, CustomStringConvertible {
    /// What is wrong.
    public var message: String

    /// Creates an error with a message that must not contain a password.
    public init(_ message: String) {
        self.message = message
    }

    /// The message.
    public var description: String { "AMQPConfigurationError: \(self.message)" }
}
