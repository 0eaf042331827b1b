import NIOCore

/// Cuts frames out of received bytes and decodes them, checking the frame-end octet, the frame type and the frame size.
struct AMQPFrameDecoder {
    /// The largest frame accepted, header and frame-end octet included; 0 accepts any size.
    var maximumFrameSize: UInt32

    init(maximumFrameSize: UInt32) {
        self.maximumFrameSize = maximumFrameSize
    }

    /// Decodes the next frame, or returns nil when `buffer` does not hold a whole frame yet.
    mutating func decode(_ buffer: inout ByteBuffer) throws -> AMQPFrame? {
        guard let type = buffer.getInteger(at: buffer.readerIndex, as: UInt8.self) else {
            return nil
        }
        if type == AMQPFraming.protocolHeader[0] {
            throw AMQPProtocolViolation.frameError("the peer sent a protocol header: it does not speak AMQP 0-9-1")
        }
        guard let size = buffer.getInteger(at: buffer.readerIndex + 3, as: UInt32.self) else {
            return nil
        }
        let frameSize = UInt64(size) + UInt64(AMQPFraming.overhead)
        if self.maximumFrameSize != 0, frameSize > UInt64(self.maximumFrameSize) {
            throw AMQPProtocolViolation.frameError("a frame of \(frameSize) bytes exceeds frame_max \(self.maximumFrameSize)")
        }
        guard UInt64(buffer.readableBytes) >= frameSize else {
            return nil
        }
        buffer.moveReaderIndex(forwardBy: 1)
        let channel = buffer.readInteger(as: UInt16.self)!
        buffer.moveReaderIndex(forwardBy: 4)
        var payload = buffer.readSlice(length: Int(size))!
        let frameEnd = buffer.readInteger(as: UInt8.self)!
        guard frameEnd == AMQPFraming.frameEnd else {
            throw AMQPProtocolViolation.frameError("frame end octet is \(frameEnd), not 206 (0xCE)")
        }
        switch type {
        case AMQPFraming.methodType:
            return AMQPFrame(channel: channel, payload: .method(try payload.readAMQPMethod()))
        case AMQPFraming.headerType:
            return AMQPFrame(channel: channel, payload: .header(try payload.readAMQPContentHeader()))
        case AMQPFraming.bodyType:
            return AMQPFrame(channel: channel, payload: .body(payload))
        case AMQPFraming.heartbeatType:
            guard channel == 0, size == 0 else {
                throw AMQPProtocolViolation.frameError("a heartbeat frame must be empty and on channel 0")
            }
            return AMQPFrame(channel: 0, payload: .heartbeat)
        default:
            throw AMQPProtocolViolation.frameError("unknown frame type \(type)")
        }
    }
}
