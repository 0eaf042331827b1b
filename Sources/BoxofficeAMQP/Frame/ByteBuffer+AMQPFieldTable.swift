import NIOCore

extension ByteBuffer {
    /// The deepest nesting of tables and arrays this client decodes.
    private static let maximumFieldNesting = 64

    /// Writes a field table: a 32-bit length, then a `shortstr` name and a typed value per field.
    mutating func writeAMQPTable(_ table: AMQPTable) throws {
        try self.writeAMQPLengthPrefixed { buffer in
            for (name, value) in table {
                try buffer.writeAMQPShortString(name)
                try buffer.writeAMQPFieldValue(value)
            }
        }
    }

    /// Reads a field table.
    mutating func readAMQPTable() throws -> AMQPTable {
        try self.readAMQPTable(depth: 0)
    }

    /// Writes a type letter and a value.
    mutating func writeAMQPFieldValue(_ value: AMQPFieldValue) throws {
        switch value {
        case .bool(let value):
            self.writeTypeLetter("t")
            self.writeInteger(UInt8(value ? 1 : 0))
        case .int8(let value):
            self.writeTypeLetter("b")
            self.writeInteger(value)
        case .uint8(let value):
            self.writeTypeLetter("B")
            self.writeInteger(value)
        case .int16(let value):
            self.writeTypeLetter("s")
            self.writeInteger(value)
        case .uint16(let value):
            self.writeTypeLetter("u")
            self.writeInteger(value)
        case .int32(let value):
            self.writeTypeLetter("I")
            self.writeInteger(value)
        case .uint32(let value):
            self.writeTypeLetter("i")
            self.writeInteger(value)
        case .int64(let value):
            self.writeTypeLetter("l")
            self.writeInteger(value)
        case .float(let value):
            self.writeTypeLetter("f")
            self.writeInteger(value.bitPattern)
        case .double(let value):
            self.writeTypeLetter("d")
            self.writeInteger(value.bitPattern)
        case .decimal(let scale, let value):
            self.writeTypeLetter("D")
            self.writeInteger(scale)
            self.writeInteger(value)
        case .longString(let value):
            self.writeTypeLetter("S")
            self.writeAMQPLongString(value)
        case .timestamp(let value):
            self.writeTypeLetter("T")
            self.writeInteger(value)
        case .table(let value):
            self.writeTypeLetter("F")
            try self.writeAMQPTable(value)
        case .array(let values):
            self.writeTypeLetter("A")
            try self.writeAMQPLengthPrefixed { buffer in
                for value in values {
                    try buffer.writeAMQPFieldValue(value)
                }
            }
        case .void:
            self.writeTypeLetter("V")
        case .bytes(let value):
            self.writeTypeLetter("x")
            self.writeAMQPLongBytes(value)
        }
    }

    private mutating func writeTypeLetter(_ letter: Unicode.Scalar) {
        self.writeInteger(UInt8(ascii: letter))
    }

    private mutating func readAMQPTable(depth: Int) throws -> AMQPTable {
        var fields = try self.readAMQPLongBytes()
        var table = AMQPTable()
        while fields.readableBytes > 0 {
            let name = try fields.readAMQPShortString()
            table[name] = try fields.readAMQPFieldValue(depth: depth + 1)
        }
        return table
    }

    private mutating func readAMQPFieldValue(depth: Int) throws -> AMQPFieldValue {
        guard depth <= Self.maximumFieldNesting else {
            throw AMQPProtocolViolation.syntaxError("field tables nested deeper than \(Self.maximumFieldNesting)")
        }
        let letter = try self.readAMQPInteger(as: UInt8.self)
        switch Unicode.Scalar(letter) {
        case "t": return .bool(try self.readAMQPInteger(as: UInt8.self) != 0)
        case "b": return .int8(try self.readAMQPInteger())
        case "B": return .uint8(try self.readAMQPInteger())
        case "s": return .int16(try self.readAMQPInteger())
        case "u": return .uint16(try self.readAMQPInteger())
        case "I": return .int32(try self.readAMQPInteger())
        case "i": return .uint32(try self.readAMQPInteger())
        case "l": return .int64(try self.readAMQPInteger())
        case "f": return .float(Float(bitPattern: try self.readAMQPInteger()))
        case "d": return .double(Double(bitPattern: try self.readAMQPInteger()))
        case "D": return .decimal(scale: try self.readAMQPInteger(), value: try self.readAMQPInteger())
        case "S":
            let bytes = try self.readAMQPLongBytes()
            if let string = String(validating: bytes.readableBytesView, as: UTF8.self) {
                return .longString(string)
            }
            return .bytes(bytes)
        case "T": return .timestamp(try self.readAMQPInteger())
        case "F": return .table(try self.readAMQPTable(depth: depth))
        case "A":
            var elements = try self.readAMQPLongBytes()
            var values: [AMQPFieldValue] = []
            while elements.readableBytes > 0 {
                values.append(try elements.readAMQPFieldValue(depth: depth + 1))
            }
            return .array(values)
        case "V": return .void
        case "x": return .bytes(try self.readAMQPLongBytes())
        default:
            throw AMQPProtocolViolation.syntaxError("unknown field value type \(letter)")
        }
    }
}
