import Foundation

/// Shared checks for free text typed by people.
public enum TextRules {
    /// The longest free text field (titles, names, labels) in characters.
    public static let maxLength = 200

    /// Trims the text and insists it is non-empty and not too long.
    public static func required(_ text: String, field: String, maxLength: Int = maxLength) throws(DomainError) -> String {
        let trimmed = text.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !trimmed.isEmpty else { throw .invalid("\(field) must not be empty.") }
        guard trimmed.count <= maxLength else { throw .invalid("\(field) must be at most \(maxLength) characters.") }
        return trimmed
    }
}
