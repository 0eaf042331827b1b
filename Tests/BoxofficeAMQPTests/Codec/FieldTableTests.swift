@testable import BoxofficeAMQP
import NIOCore
import Testing

@Suite("Field tables")
struct FieldTableTests {
    static let everyType: AMQPTable = [
        "bool": .bool(true),
        "int8": .int8(-8),
        "uint8": .uint8(200),
        "int16": .int16(-1600),
        "uint16": .uint16(60000),
        "int32": .int32(-320_000),
        "uint32": .uint32(4_000_000_000),
        "int64": .int64(-6_400_000_000),
        "float": .float(1.5),
        "double": .double(-2.25),
        "decimal": .decimal(scale: 2, value: 12345),
        "longString": .longString("grüße"),
        "timestamp": .timestamp(1_700_000_000),
        "table": .table(["nested": .table(["deeper": .int32(1)])]),
        "array": .array([.int8(1), .longString("two"), .array([.bool(false)]), .void]),
        "void": .void,
        "bytes": .bytes(ByteBuffer(bytes: [0, 1, 2, 255])),
    ]

    @Test("every value type round-trips")
    func roundTrip() throws {
        var buffer = ByteBuffer()
        try buffer.writeAMQPTable(Self.everyType)
        let decoded = try buffer.readAMQPTable()
        #expect(decoded == Self.everyType)
        #expect(buffer.readableBytes == 0)
    }

    @Test("type letters are RabbitMQ's", arguments: [
        (AMQPFieldValue.bool(true), "t"), (.int8(1), "b"), (.uint8(1), "B"), (.int16(1), "s"), (.uint16(1), "u"),
        (.int32(1), "I"), (.uint32(1), "i"), (.int64(1), "l"), (.float(1), "f"), (.double(1), "d"),
        (.decimal(scale: 1, value: 1), "D"), (.longString("x"), "S"), (.timestamp(1), "T"), (.table([:]), "F"),
        (.array([]), "A"), (.void, "V"), (.bytes(ByteBuffer()), "x"),
    ])
    func typeLetters(value: AMQPFieldValue, letter: String) throws {
        var buffer = ByteBuffer()
        try buffer.writeAMQPFieldValue(value)
        #expect(buffer.readInteger(as: UInt8.self) == letter.utf8.first)
    }

    @Test("literals build the expected values")
    func literals() {
        let table: AMQPTable = ["s": "text", "i": 5, "b": true, "d": 0.5, "a": [1, "x"], "t": ["k": 1]]
        #expect(table["s"] == .longString("text"))
        #expect(table["i"] == .int64(5))
        #expect(table["b"] == .bool(true))
        #expect(table["d"] == .double(0.5))
        #expect(table["a"] == .array([.int64(1), .longString("x")]))
        #expect(table["t"] == .table(["k": .int64(1)]))
    }

    @Test("an unknown type letter is a syntax error")
    func unknownType() throws {
        var buffer = ByteBuffer()
        buffer.writeAMQPLengthPrefixed { fields in
            try? fields.writeAMQPShortString("key")
            fields.writeInteger(UInt8(ascii: "Z"))
        }
        #expect(throws: AMQPProtocolViolation.self) { try buffer.readAMQPTable() }
    }

    @Test("a truncated table is a syntax error")
    func truncated() throws {
        var buffer = ByteBuffer()
        try buffer.writeAMQPTable(["key": .int64(1)])
        var truncated = buffer.getSlice(at: 0, length: buffer.readableBytes - 3)!
        let error = #expect(throws: AMQPProtocolViolation.self) { try truncated.readAMQPTable() }
        #expect(error?.replyCode == 502)
    }

    @Test("a name longer than 255 bytes cannot be written")
    func longName() {
        var buffer = ByteBuffer()
        let error = #expect(throws: AMQPError.self) { try buffer.writeAMQPTable([String(repeating: "k", count: 256): .void]) }
        #expect(error?.kind == .invalidArgument)
    }
}
