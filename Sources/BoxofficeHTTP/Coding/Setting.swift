/// A setting a request body may leave out (the default applies), set to `null` (none), or set to a value.
///
/// Plain optionals cannot tell the first two apart: a property of this type can, through the
/// `KeyedDecodingContainer` overload below, which the synthesized `Decodable` picks.
enum Setting<Value: Decodable & Sendable>: Decodable, Sendable {
    case absent
    case none
    case some(Value)

    init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        self = container.decodeNil() ? .none : .some(try container.decode(Value.self))
    }

    /// The value, `nil` for an explicit `null`, `fallback` when absent.
    func value(default fallback: Value?) -> Value? {
        switch self {
        case .absent: fallback
        case .none: nil
        case .some(let value): value
        }
    }
}

extension KeyedDecodingContainer {
    /// Reads a ``Setting``, absent when the key is.
    func decode<Value>(_ type: Setting<Value>.Type, forKey key: Key) throws -> Setting<Value> {
        contains(key) ? try Setting(from: superDecoder(forKey: key)) : .absent
    }
}
