extension ConnectionTune {
    /// The values for connection.tune-ok, from the client's request and the server's connection.tune.
    ///
    /// channel_max and frame_max take the smaller non-zero value (zero means no limit). The heartbeat is zero when the
    /// client asked for none (the specification lets tune-ok say so); otherwise the smaller non-zero value.
    static func negotiate(client: ConnectionTune, server: ConnectionTune) -> ConnectionTune {
        ConnectionTune(
            channelMax: smallerNonZero(client.channelMax, server.channelMax),
            frameMax: smallerNonZero(client.frameMax, server.frameMax),
            heartbeat: client.heartbeat == 0 ? 0 : smallerNonZero(client.heartbeat, server.heartbeat)
        )
    }

    private static func smallerNonZero<Value: FixedWidthInteger>(_ lhs: Value, _ rhs: Value) -> Value {
        if lhs == 0 { return rhs }
        if rhs == 0 { return lhs }
        return min(lhs, rhs)
    }
}
