import Foundation

/// A moment named in a query string.
enum QueryDate {
    /// A date-time such as `2026-12-05T10:00:00Z`, or with `days` also a day such as `2026-12-05` (its midnight, UTC);
    /// nil for an absent or empty value.
    /// - Throws: a `400` problem naming the parameter.
    static func read(_ text: String?, name: String, days: Bool) throws(Problem) -> Date? {
        guard let text, !text.isEmpty else { return nil }
        if let date = try? Date(text, strategy: .iso8601) { return date }
        if days, let day = try? Date("\(text)T00:00:00Z", strategy: .iso8601) { return day }
        let forms = days ? "a date-time such as 2026-12-05T10:00:00Z or a day such as 2026-12-05" : "a date-time such as 2026-12-05T10:00:00Z"
        throw Problem.malformed("\(name) must be \(forms), not \(text).")
    }
}
