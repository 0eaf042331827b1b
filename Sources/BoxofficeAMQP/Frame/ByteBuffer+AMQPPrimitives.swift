import NIOCore

extension ByteBuffer {
    /// Reads a big-endian integer, or throws a syntax error when the buffer is too short.
    mutating func readAMQPInteger<Value: FixedWidthInteger>(as type: Value.Type = Value.self) throws -> Value {
        guard let value = self.readInteger(as: Value.self) else {
            throw AMQPProtocolViolation.syntaxError("truncated \(Value.self) field")
        }
        return value
    }

    /// Reads a `shortstr`: a length octet and up to 255 bytes of UTF-8.
    mutating func readAMQPShortString() throws -> String {
        let length = try self.readAMQPInteger(as: UInt8.self)
        guard let value = self.readString(length: Int(length)) else {
            throw AMQPProtocolViolation.syntaxError("truncated short string")
        }
        return value
    }

    /// Reads the bytes of a `longstr`: a 32-bit length and that many bytes.
    mutating func readAMQPLongBytes() throws -> ByteBuffer {
        let length = try self.readAMQPInteger(as: UInt32.self)
        guard length <= self.readableBytes, let value = self.readSlice(length: Int(length)) else {
            throw AMQPProtocolViolation.syntaxError("truncated long string")
        }
        return value
    }

    /// Reads a `longstr` as a string (invalid UTF-8 is repaired with replacement characters).
    mutating func readAMQPLongString() throws -> String {
        let bytes = try self.readAMQPLongBytes()
        return String(buffer: bytes)
    }

    /// Writes a `shortstr`, or throws `invalidArgument` when it is longer than 255 bytes.
    mutating func writeAMQPShortString(_ value: String) throws {
        let length = value.utf8.count
        guard length <= Int(UInt8.max) else {
            throw AMQPError(.invalidArgument, replyText: "a short string must be at most 255 bytes, not \(length)")
        }
        self.writeInteger(UInt8(length))
        self.writeString(value)
    }

    /// Writes a `longstr` from a string.
    mutating func writeAMQPLongString(_ value: String) {
        self.writeInteger(UInt32(value.utf8.count))
        self.writeString(value)
    }

    /// Writes a `longstr` from bytes.
    mutating func writeAMQPLongBytes(_ value: ByteBuffer) {
        self.writeInteger(UInt32(value.readableBytes))
        self.writeImmutableBuffer(value)
    }

    /// Writes consecutive bit fields packed into one octet, the first in the least significant bit.
    mutating func writeAMQPBits(_ bits: Bool...) {
        var octet: UInt8 = 0
        for (index, bit) in bits.enumerated() where bit {
            octet |= 1 << UInt8(index)
        }
        self.writeInteger(octet)
    }

    /// Reads one octet of packed bit fields.
    mutating func readAMQPBits() throws -> AMQPBits {
        AMQPBits(octet: try self.readAMQPInteger(as: UInt8.self))
    }

    /// Reserves a 32-bit length, runs `body`, then sets the length to the number of bytes `body` wrote.
    mutating func writeAMQPLengthPrefixed(_ body: (inout ByteBuffer) throws -> Void) rethrows {
        let lengthIndex = self.writerIndex
        self.writeInteger(UInt32(0))
        try body(&self)
        self.setInteger(UInt32(self.writerIndex - lengthIndex - 4), at: lengthIndex)
    }
}

/// An octet of packed bit fields, read by position.
struct AMQPBits {
    let octet: UInt8

    subscript(_ index: Int) -> Bool {
        self.octet & (1 << UInt8(index)) != 0
    }
}
