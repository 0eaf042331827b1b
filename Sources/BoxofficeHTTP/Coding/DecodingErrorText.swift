import Foundation

/// Explains a JSON decoding failure in words a client developer can act on.
enum DecodingErrorText {
    static func describe(_ error: DecodingError) -> String {
        switch error {
        case .dataCorrupted(let context) where context.codingPath.isEmpty && context.debugDescription.localizedCaseInsensitiveContains("date"):
            // Foundation's ISO 8601 dates fail without saying where.
            return "A date is not valid: write it in ISO 8601 with a time zone, such as 2030-01-01T20:00:00Z."
        case .dataCorrupted(let context) where context.codingPath.isEmpty:
            // Foundation says the same of a fraction or an out-of-range number where an integer belongs.
            return "The request body is not valid JSON, or a number in it is not a whole number in range where one is needed."
        case .dataCorrupted(let context):
            return "The value at \(path(context.codingPath)) is not valid: \(context.debugDescription)"
        case .keyNotFound(let key, let context):
            return "The member \(path(context.codingPath + [key])) is required."
        case .typeMismatch(let type, let context):
            return "The value at \(path(context.codingPath)) must be \(name(of: type))."
        case .valueNotFound(let type, let context):
            return "The value at \(path(context.codingPath)) must be \(name(of: type)), not null."
        @unknown default:
            return "The request body does not match the expected JSON shape."
        }
    }

    private static func path(_ keys: [any CodingKey]) -> String {
        guard !keys.isEmpty else { return "the top level" }
        return "\"" + keys.map { $0.intValue.map { "[\($0)]" } ?? snakeCase($0.stringValue) }.joined(separator: ".") + "\""
    }

    private static func snakeCase(_ key: String) -> String {
        var result = ""
        for character in key {
            if character.isUppercase {
                result += "_" + character.lowercased()
            } else {
                result.append(character)
            }
        }
        return result
    }

    private static func name(of type: Any.Type) -> String {
        switch type {
        case is String.Type: "a string"
        case is Int.Type, is Int64.Type, is Int32.Type: "an integer"
        case is Bool.Type: "true or false"
        case is Double.Type: "a number"
        case is [String: Any].Type: "an object"
        default: type is any Collection.Type ? "an array" : "an object"
        }
    }
}
