import NIOCore

/// The bytes of one server-to-client WebSocket frame (RFC 6455 §5.2: never masked), built once per message and
/// written as they are to every connection that gets it.
enum LiveFrame {
    /// A final text frame carrying `payload`.
    static func text(_ payload: ByteBuffer) -> ByteBuffer {
        frame(opcode: 0x1, payload)
    }

    /// A close frame with a status code and a reason (RFC 6455 §5.5.1).
    static func close(code: UInt16, reason: String) -> ByteBuffer {
        var payload = ByteBuffer()
        payload.writeInteger(code)
        payload.writeString(String(reason.utf8.prefix(123)) ?? "")
        return frame(opcode: 0x8, payload)
    }

    private static func frame(opcode: UInt8, _ payload: ByteBuffer) -> ByteBuffer {
        let length = payload.readableBytes
        var frame = ByteBuffer()
        frame.reserveCapacity(length + 10)
        frame.writeInteger(0x80 | opcode)
        switch length {
        case ..<126:
            frame.writeInteger(UInt8(length))
        case ..<65_536:
            frame.writeInteger(UInt8(126))
            frame.writeInteger(UInt16(length))
        default:
            frame.writeInteger(UInt8(127))
            frame.writeInteger(UInt64(length))
        }
        frame.writeImmutableBuffer(payload)
        return frame
    }
}
