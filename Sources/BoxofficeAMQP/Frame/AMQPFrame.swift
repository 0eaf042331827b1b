import NIOCore

/// One AMQP frame: the channel it belongs to and its decoded payload.
struct AMQPFrame: Sendable, Hashable {
    /// A frame's decoded payload.
    enum Payload: Sendable, Hashable {
        case method(AMQPMethod)
        case header(AMQPContentHeader)
        case body(ByteBuffer)
        case heartbeat
    }

    var channel: UInt16
    var payload: Payload
}

/// Constants of the AMQP 0-9-1 framing.
enum AMQPFraming {
    static let methodType: UInt8 = 1
    static let headerType: UInt8 = 2
    static let bodyType: UInt8 = 3
    static let heartbeatType: UInt8 = 8
    static let frameEnd: UInt8 = 0xCE
    /// The bytes of a frame that are not payload: the header and the frame-end octet.
    static let overhead = 8
    /// The smallest frame_max a peer may negotiate, and the limit before negotiation.
    static let minimumFrameSize: UInt32 = 4096
    /// The protocol header a client sends first: "AMQP", 0, 0, 9, 1.
    static let protocolHeader: [UInt8] = [0x41, 0x4D, 0x51, 0x50, 0, 0, 9, 1]
}
