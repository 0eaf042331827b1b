import Foundation

/// A query string read as an HTML form (and `URLSearchParams`) writes it: `+` is a space, `%2B` a plus. Hummingbird's
/// parameters keep a `+` as it is, which turns a search for "Stalls C 12" typed into a form into "Stalls+C+12".
struct FormQuery {
    private let pairs: [(name: String, value: String)]

    /// Reads a raw query string (nil: none).
    init(_ query: String?) {
        pairs = (query ?? "").split(separator: "&").map { pair in
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            return (Self.decoded(parts[0]), parts.count > 1 ? Self.decoded(parts[1]) : "")
        }
    }

    /// The first value of a name, nil when the query has none.
    func value(of name: String) -> String? {
        pairs.first { $0.name == name }?.value
    }

    private static func decoded(_ text: Substring) -> String {
        let spaced = text.replacingOccurrences(of: "+", with: " ")
        return spaced.removingPercentEncoding ?? spaced
    }
}
