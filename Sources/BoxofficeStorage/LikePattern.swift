import Foundation

/// Text matched literally inside a SQL `LIKE` pattern: both stores escape with `\`.
public enum LikePattern {
    /// `text` with `\`, `%` and `_` escaped.
    public static func literal(_ text: String) -> String {
        text.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "%", with: "\\%").replacingOccurrences(of: "_", with: "\\_")
    }

    /// A pattern matching text that contains `text`.
    public static func containing(_ text: String) -> String { "%" + literal(text) + "%" }

    /// A pattern matching text that starts with `text`.
    public static func starting(with text: String) -> String { literal(text) + "%" }
}
