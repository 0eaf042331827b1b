import NIOCore

/// The payload of a content header frame: the class, the body size and the basic properties.
struct AMQPContentHeader: Sendable, Hashable {
    /// The class the content belongs to; always basic (60) here.
    var classID: UInt16
    /// The total size of the body that follows in body frames.
    var bodySize: UInt64
    /// The message properties.
    var properties: AMQPProperties

    init(classID: UInt16 = AMQPClassID.basic, bodySize: UInt64, properties: AMQPProperties) {
        self.classID = classID
        self.bodySize = bodySize
        self.properties = properties
    }
}

/// The bit of each basic property in the property flags, the first property in the highest bit.
private enum PropertyFlag {
    static let contentType: UInt16 = 1 << 15
    static let contentEncoding: UInt16 = 1 << 14
    static let headers: UInt16 = 1 << 13
    static let deliveryMode: UInt16 = 1 << 12
    static let priority: UInt16 = 1 << 11
    static let correlationId: UInt16 = 1 << 10
    static let replyTo: UInt16 = 1 << 9
    static let expiration: UInt16 = 1 << 8
    static let messageId: UInt16 = 1 << 7
    static let timestamp: UInt16 = 1 << 6
    static let type: UInt16 = 1 << 5
    static let userId: UInt16 = 1 << 4
    static let appId: UInt16 = 1 << 3
    static let clusterId: UInt16 = 1 << 2
    static let known: UInt16 = 0b1111_1111_1111_1100
}

extension ByteBuffer {
    /// Writes a content header payload.
    mutating func writeAMQPContentHeader(_ header: AMQPContentHeader) throws {
        let properties = header.properties
        self.writeInteger(header.classID)
        self.writeInteger(UInt16(0))
        self.writeInteger(header.bodySize)
        let flagsIndex = self.writerIndex
        self.writeInteger(UInt16(0))
        var flags: UInt16 = 0
        func shortString(_ value: String?, _ flag: UInt16, into buffer: inout ByteBuffer) throws {
            guard let value else { return }
            flags |= flag
            try buffer.writeAMQPShortString(value)
        }
        try shortString(properties.contentType, PropertyFlag.contentType, into: &self)
        try shortString(properties.contentEncoding, PropertyFlag.contentEncoding, into: &self)
        if let headers = properties.headers {
            flags |= PropertyFlag.headers
            try self.writeAMQPTable(headers)
        }
        if let deliveryMode = properties.deliveryMode {
            flags |= PropertyFlag.deliveryMode
            self.writeInteger(deliveryMode)
        }
        if let priority = properties.priority {
            flags |= PropertyFlag.priority
            self.writeInteger(priority)
        }
        try shortString(properties.correlationId, PropertyFlag.correlationId, into: &self)
        try shortString(properties.replyTo, PropertyFlag.replyTo, into: &self)
        try shortString(properties.expiration, PropertyFlag.expiration, into: &self)
        try shortString(properties.messageId, PropertyFlag.messageId, into: &self)
        if let timestamp = properties.timestamp {
            flags |= PropertyFlag.timestamp
            self.writeInteger(timestamp)
        }
        try shortString(properties.type, PropertyFlag.type, into: &self)
        try shortString(properties.userId, PropertyFlag.userId, into: &self)
        try shortString(properties.appId, PropertyFlag.appId, into: &self)
        self.setInteger(flags, at: flagsIndex)
    }

    /// Reads a content header payload; unknown property flags are a syntax error.
    mutating func readAMQPContentHeader() throws -> AMQPContentHeader {
        let classID = try self.readAMQPInteger(as: UInt16.self)
        _ = try self.readAMQPInteger(as: UInt16.self)
        let bodySize = try self.readAMQPInteger(as: UInt64.self)
        let flags = try self.readAMQPInteger(as: UInt16.self)
        guard flags & ~PropertyFlag.known == 0 else {
            throw AMQPProtocolViolation.syntaxError("unknown property flags \(flags)")
        }
        func has(_ flag: UInt16) -> Bool { flags & flag != 0 }
        var properties = AMQPProperties()
        if has(PropertyFlag.contentType) { properties.contentType = try self.readAMQPShortString() }
        if has(PropertyFlag.contentEncoding) { properties.contentEncoding = try self.readAMQPShortString() }
        if has(PropertyFlag.headers) { properties.headers = try self.readAMQPTable() }
        if has(PropertyFlag.deliveryMode) { properties.deliveryMode = try self.readAMQPInteger() }
        if has(PropertyFlag.priority) { properties.priority = try self.readAMQPInteger() }
        if has(PropertyFlag.correlationId) { properties.correlationId = try self.readAMQPShortString() }
        if has(PropertyFlag.replyTo) { properties.replyTo = try self.readAMQPShortString() }
        if has(PropertyFlag.expiration) { properties.expiration = try self.readAMQPShortString() }
        if has(PropertyFlag.messageId) { properties.messageId = try self.readAMQPShortString() }
        if has(PropertyFlag.timestamp) { properties.timestamp = try self.readAMQPInteger() }
        if has(PropertyFlag.type) { properties.type = try self.readAMQPShortString() }
        if has(PropertyFlag.userId) { properties.userId = try self.readAMQPShortString() }
        if has(PropertyFlag.appId) { properties.appId = try self.readAMQPShortString() }
        if has(PropertyFlag.clusterId) { _ = try self.readAMQPShortString() }
        guard self.readableBytes == 0 else {
            throw AMQPProtocolViolation.syntaxError("\(self.readableBytes) unexpected bytes after the content header properties")
        }
        return AMQPContentHeader(classID: classID, bodySize: bodySize, properties: properties)
    }
}
