import Foundation

/// Shared checks for free text typed by people.
public enum TextRules {
    /// The longest free text field (titles, names, labels) in characters.
    public static let maxLength = 200

    /// Trims the text and insists it is non-empty, not too long and free of control characters.
    public static func required(_ text: String, field: String, maxLength: Int = maxLength) throws(DomainError) -> String {
        let trimmed = text.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !trimmed.isEmpty else { throw .invalid("\(field) must not be empty.") }
        guard trimmed.count <= maxLength else { throw .invalid("\(field) must be at most \(maxLength) characters.") }
        try printable(trimmed, field: field, allowingLineBreaks: false)
        return trimmed
    }

    /// Insists the text has no control characters (line breaks and tabs allowed where asked).
    public static func printable(_ text: String, field: String, allowingLineBreaks: Bool) throws(DomainError) {
        let allowed: Set<Unicode.Scalar> = allowingLineBreaks ? ["\n", "\r", "\t"] : []
        guard !text.unicodeScalars.contains(where: { $0.properties.generalCategory == .control && !allowed.contains($0) }) else {
            throw .invalid("\(field) must not contain control characters.")
        }
    }
}
