/// Where and how to connect to the broker, and what to ask for in connection.tune-ok.
public struct AMQPConfiguration: Sendable {
    /// The broker's host name or IP address.
    public var host: String
    /// The broker's TCP port.
    public var port: Int
    /// The user name for PLAIN authentication.
    public var username: String
    /// The password for PLAIN authentication; never written to errors or logs.
    public var password: String
    /// The virtual host to open.
    public var virtualHost: String
    /// The requested heartbeat interval, in whole seconds (rounded up); zero disables heartbeats.
    public var heartbeat: Duration
    /// The requested largest frame, header and frame-end octet included; zero or at least 4096.
    public var frameMax: UInt32
    /// The requested largest channel id; zero means no limit of the client's own.
    public var channelMax: UInt16
    /// How long the TCP connect and the AMQP handshake may take together.
    public var connectTimeout: Duration
    /// The name sent as client property `connection_name`, shown by the broker's tools.
    public var connectionName: String?

    /// Creates a configuration.
    /// - Parameters:
    ///   - host: The broker's host name or IP address.
    ///   - port: The broker's TCP port.
    ///   - username: The user name for PLAIN authentication.
    ///   - password: The password for PLAIN authentication.
    ///   - virtualHost: The virtual host to open.
    ///   - heartbeat: The requested heartbeat interval; zero disables heartbeats.
    ///   - frameMax: The requested largest frame; zero or at least 4096.
    ///   - channelMax: The requested largest channel id; zero means no limit of the client's own.
    ///   - connectTimeout: How long the TCP connect and the AMQP handshake may take together.
    ///   - connectionName: The name sent as client property `connection_name`.
    public init(
        host: String,
        port: Int = 5672,
        username: String = "guest",
        password: String = "guest",
        virtualHost: String = "/",
        heartbeat: Duration = .seconds(10),
        frameMax: UInt32 = 131_072,
        channelMax: UInt16 = 2047,
        connectTimeout: Duration = .seconds(10),
        connectionName: String? = nil
    ) {
        self.host = host
        self.port = port
        self.username = username
        self.password = password
        self.virtualHost = virtualHost
        self.heartbeat = heartbeat
        self.frameMax = frameMax
        self.channelMax = channelMax
        self.connectTimeout = connectTimeout
        self.connectionName = connectionName
    }

    /// The requested heartbeat in whole seconds, as connection.tune-ok carries it.
    var heartbeatSeconds: UInt16 {
        get throws(AMQPConfigurationError) {
            let (seconds, attoseconds) = self.heartbeat.components
            guard seconds >= 0, attoseconds >= 0 else {
                throw AMQPConfigurationError("the heartbeat must not be negative")
            }
            let rounded = seconds + (attoseconds > 0 ? 1 : 0)
            guard rounded <= Int64(UInt16.max) else {
                throw AMQPConfigurationError("the heartbeat must be at most \(UInt16.max) seconds")
            }
            return UInt16(rounded)
        }
    }

    /// Checks the settings that the URL or the initializer cannot check alone.
    func validate() throws(AMQPConfigurationError) {
        guard !self.host.isEmpty else {
            throw AMQPConfigurationError("the host is empty")
        }
        guard (1...65535).contains(self.port) else {
            throw AMQPConfigurationError("the port \(self.port) is not from 1 to 65535")
        }
        guard self.frameMax == 0 || self.frameMax >= AMQPFraming.minimumFrameSize else {
            throw AMQPConfigurationError("frameMax must be 0 or at least \(AMQPFraming.minimumFrameSize), not \(self.frameMax)")
        }
        guard self.virtualHost.utf8.count <= Int(UInt8.max) else {
            throw AMQPConfigurationError("the virtual host name must be at most 255 bytes")
        }
        guard self.connectTimeout > .zero else {
            throw AMQPConfigurationError("the connect timeout must be positive")
        }
        _ = try self.heartbeatSeconds
    }
}

extension AMQPConfiguration: CustomStringConvertible, CustomDebugStringConvertible {
    /// The redacted URL: never the password.
    public var description: String { self.redacted }

    /// The redacted URL: never the password.
    public var debugDescription: String { self.redacted }
}
