import Foundation

/// One event that crossed, or will cross, a service boundary: written to an outbox in the transaction that
/// caused it, published by a relay, and recorded in the consumer's inbox in the transaction of its effect.
public struct Message: Sendable, Hashable {
    /// The message's identity: consumers skip an id they have already processed.
    public var id: UUID
    /// What happened, such as `payment.requested`.
    public var type: String
    /// The JSON body.
    public var payload: Data
    /// When it happened.
    public var occurredAt: Date

    /// Creates a message.
    public init(id: UUID = UUID(), type: String, payload: Data, occurredAt: Date) {
        self.id = id
        self.type = type
        self.payload = payload
        self.occurredAt = occurredAt
    }

    /// A message carrying a contract body.
    public init<Body: MessageBody>(_ body: Body, id: UUID = UUID(), at: Date) throws {
        self.init(id: id, type: Body.type, payload: try MessageCoding.encoder.encode(body), occurredAt: at)
    }

    /// Reads the contract body.
    /// - Throws: when the message is of another type or its JSON does not match.
    public func body<Body: MessageBody>(as: Body.Type) throws -> Body {
        guard type == Body.type else { throw MessageTypeMismatch(expected: Body.type, actual: type) }
        return try MessageCoding.decoder.decode(Body.self, from: payload)
    }
}

/// A message body of one type, with a stable name on the wire.
public protocol MessageBody: Codable, Sendable {
    /// The type name, such as `payment.requested`.
    static var type: String { get }
}

/// A message was read as the wrong contract.
public struct MessageTypeMismatch: Error, CustomStringConvertible {
    /// The type asked for.
    public let expected: String
    /// The type the message has.
    public let actual: String

    public var description: String { "expected a \(expected) message, got \(actual)" }
}

/// The JSON conventions of message bodies: snake_case, ISO 8601.
public enum MessageCoding {
    /// Encodes bodies.
    public static var encoder: JSONEncoder {
        let encoder = JSONEncoder()
        encoder.keyEncodingStrategy = .convertToSnakeCase
        encoder.dateEncodingStrategy = .iso8601
        encoder.outputFormatting = .sortedKeys
        return encoder
    }

    /// Decodes bodies.
    public static var decoder: JSONDecoder {
        let decoder = JSONDecoder()
        decoder.keyDecodingStrategy = .convertFromSnakeCase
        decoder.dateDecodingStrategy = .iso8601
        return decoder
    }
}
