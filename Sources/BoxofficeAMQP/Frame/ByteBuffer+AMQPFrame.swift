import NIOCore

extension ByteBuffer {
    /// Writes one frame: type, channel, a size filled in after `payload` writes, the payload and the frame-end octet.
    mutating func writeAMQPFrame(type: UInt8, channel: UInt16, _ payload: (inout ByteBuffer) throws -> Void) rethrows {
        self.writeInteger(type)
        self.writeInteger(channel)
        try self.writeAMQPLengthPrefixed(payload)
        self.writeInteger(AMQPFraming.frameEnd)
    }

    /// Writes a method frame.
    mutating func writeAMQPMethodFrame(channel: UInt16, _ method: AMQPMethod) throws {
        try self.writeAMQPFrame(type: AMQPFraming.methodType, channel: channel) { try $0.writeAMQPMethod(method) }
    }

    /// Writes a heartbeat frame.
    mutating func writeAMQPHeartbeatFrame() {
        self.writeAMQPFrame(type: AMQPFraming.heartbeatType, channel: 0) { _ in }
    }

    /// Writes a content header frame and the body in body frames of at most `maximumFrameSize` − 8 bytes each.
    /// - Parameters:
    ///   - channel: The channel the content belongs to.
    ///   - properties: The message properties for the header frame.
    ///   - body: The message body.
    ///   - maximumFrameSize: The negotiated frame_max; 0 puts the whole body in one frame.
    mutating func writeAMQPContent(channel: UInt16, properties: AMQPProperties, body: ByteBuffer, maximumFrameSize: UInt32) throws {
        let header = AMQPContentHeader(bodySize: UInt64(body.readableBytes), properties: properties)
        try self.writeAMQPFrame(type: AMQPFraming.headerType, channel: channel) { try $0.writeAMQPContentHeader(header) }
        let slice = maximumFrameSize == 0 ? Swift.max(body.readableBytes, 1) : Int(maximumFrameSize) - AMQPFraming.overhead
        var remaining = body
        while remaining.readableBytes > 0 {
            let part = remaining.readSlice(length: Swift.min(slice, remaining.readableBytes))!
            self.writeAMQPFrame(type: AMQPFraming.bodyType, channel: channel) { $0.writeImmutableBuffer(part) }
        }
    }

    /// Writes a frame (used by tests and by anything that speaks the broker's side).
    mutating func writeAMQPFrame(_ frame: AMQPFrame) throws {
        switch frame.payload {
        case .method(let method):
            try self.writeAMQPMethodFrame(channel: frame.channel, method)
        case .header(let header):
            try self.writeAMQPFrame(type: AMQPFraming.headerType, channel: frame.channel) { try $0.writeAMQPContentHeader(header) }
        case .body(let body):
            self.writeAMQPFrame(type: AMQPFraming.bodyType, channel: frame.channel) { $0.writeImmutableBuffer(body) }
        case .heartbeat:
            self.writeAMQPHeartbeatFrame()
        }
    }
}
