/// The limits agreed in connection.tune / tune-ok.
public struct AMQPNegotiatedParameters: Sendable, Hashable {
    /// The largest frame, header and frame-end octet included; 0 means no limit.
    public var frameMax: UInt32
    /// The largest channel id; 0 means no limit (65535).
    public var channelMax: UInt16
    /// The heartbeat interval; zero means no heartbeats.
    public var heartbeat: Duration

    /// Creates negotiated parameters.
    public init(frameMax: UInt32, channelMax: UInt16, heartbeat: Duration) {
        self.frameMax = frameMax
        self.channelMax = channelMax
        self.heartbeat = heartbeat
    }
}
