import NIOCore

/// A field table: the arguments of declare and bind methods, and message headers.
public typealias AMQPTable = [String: AMQPFieldValue]

/// A value in a field table, with RabbitMQ's type letters (t b B s u I i l f d D S T F A V x).
public enum AMQPFieldValue: Sendable, Hashable {
    /// `t`: a boolean.
    case bool(Bool)
    /// `b`: a signed 8-bit integer.
    case int8(Int8)
    /// `B`: an unsigned 8-bit integer.
    case uint8(UInt8)
    /// `s`: a signed 16-bit integer.
    case int16(Int16)
    /// `u`: an unsigned 16-bit integer.
    case uint16(UInt16)
    /// `I`: a signed 32-bit integer.
    case int32(Int32)
    /// `i`: an unsigned 32-bit integer.
    case uint32(UInt32)
    /// `l`: a signed 64-bit integer.
    case int64(Int64)
    /// `f`: a 32-bit float.
    case float(Float)
    /// `d`: a 64-bit double.
    case double(Double)
    /// `D`: a decimal, `value` × 10^-`scale`.
    case decimal(scale: UInt8, value: UInt32)
    /// `S`: a long string that is valid UTF-8 (a long string that is not is decoded as ``bytes(_:)``).
    case longString(String)
    /// `T`: a timestamp, in seconds since the Unix epoch.
    case timestamp(UInt64)
    /// `F`: a nested field table.
    case table(AMQPTable)
    /// `A`: an array of values.
    case array([AMQPFieldValue])
    /// `V`: no value.
    case void
    /// `x`: a byte array.
    case bytes(ByteBuffer)
}

extension AMQPFieldValue: ExpressibleByStringLiteral {
    /// Creates a long string value.
    public init(stringLiteral value: String) {
        self = .longString(value)
    }
}

extension AMQPFieldValue: ExpressibleByIntegerLiteral {
    /// Creates a signed 64-bit integer value.
    public init(integerLiteral value: Int64) {
        self = .int64(value)
    }
}

extension AMQPFieldValue: ExpressibleByBooleanLiteral {
    /// Creates a boolean value.
    public init(booleanLiteral value: Bool) {
        self = .bool(value)
    }
}

extension AMQPFieldValue: ExpressibleByFloatLiteral {
    /// Creates a double value.
    public init(floatLiteral value: Double) {
        self = .double(value)
    }
}

extension AMQPFieldValue: ExpressibleByArrayLiteral {
    /// Creates an array value.
    public init(arrayLiteral elements: AMQPFieldValue...) {
        self = .array(elements)
    }
}

extension AMQPFieldValue: ExpressibleByDictionaryLiteral {
    /// Creates a nested table value.
    public init(dictionaryLiteral elements: (String, AMQPFieldValue)...) {
        self = .table(AMQPTable(elements, uniquingKeysWith: { _, last in last }))
    }
}
