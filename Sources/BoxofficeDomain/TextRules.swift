import Foundation

/// Shared checks for free text typed by people.
public enum TextRules {
    /// The longest free text field (titles, names, labels) in characters.
    public static let maxLength = 200

    /// Trims the text and insists it is non-empty, not too long and free of control characters.
    public static func required(_ text: String, field: String, maxLength: Int = maxLength) throws(DomainError) -> String {
        if let ascii = try requiredASCII(text, field: field, maxLength: maxLength) { return ascii }
        let trimmed = text.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !trimmed.isEmpty else { throw .invalid("\(field) must not be empty.") }
        guard trimmed.count <= maxLength else { throw .invalid("\(field) must be at most \(maxLength) characters.") }
        try printable(trimmed, field: field, allowingLineBreaks: false)
        return trimmed
    }

    /// ``required(_:field:maxLength:)`` for plain ASCII text — most names and every id — without Foundation's
    /// character sets, which cost more than the rest of a hold; nil for text with other characters.
    private static func requiredASCII(_ text: String, field: String, maxLength: Int) throws(DomainError) -> String? {
        var utf8 = text.utf8[...]
        guard utf8.allSatisfy({ $0 < 0x80 }) else { return nil }
        let isSpace: (UInt8) -> Bool = { $0 == 0x20 || (0x09 ... 0x0D).contains($0) }
        while let first = utf8.first, isSpace(first) { utf8 = utf8.dropFirst() }
        while let last = utf8.last, isSpace(last) { utf8 = utf8.dropLast() }
        guard !utf8.isEmpty else { throw .invalid("\(field) must not be empty.") }
        guard utf8.count <= maxLength else { throw .invalid("\(field) must be at most \(maxLength) characters.") }
        guard !utf8.contains(where: { $0 < 0x20 || $0 == 0x7F }) else { throw .invalid("\(field) must not contain control characters.") }
        return utf8.count == text.utf8.count ? text : String(decoding: utf8, as: UTF8.self)
    }

    /// Insists the text has no control characters (line breaks and tabs allowed where asked).
    public static func printable(_ text: String, field: String, allowingLineBreaks: Bool) throws(DomainError) {
        let allowed: Set<Unicode.Scalar> = allowingLineBreaks ? ["\n", "\r", "\t"] : []
        guard !text.unicodeScalars.contains(where: { $0.properties.generalCategory == .control && !allowed.contains($0) }) else {
            throw .invalid("\(field) must not contain control characters.")
        }
    }
}
