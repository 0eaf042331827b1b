import BoxofficeBackOffice
import BoxofficeDomain
import Foundation
import Hummingbird

/// The query of an order list: `q`, `status` (comma-separated), `from` and `to` (date-times), `category`, `limit`,
/// `after` (the previous page's `next`). Every value that does not read gets a `400` naming it.
struct OrderQueryParameters {
    /// What the database filters by (the event is the route's).
    var filter = OrderFilter()
    /// The search box's text.
    var text: String?
    /// A price category or pool name.
    var category: String?
    /// The most orders on the page.
    var limit = 50
    /// Where the page starts.
    var after: OrderCursor?

    /// Reads the query; `q` and `category` as a form sends them (`+` for a space), from `form`.
    init(_ query: Parameters, form: FormQuery, largestPage: Int) throws(Problem) {
        text = form.value(of: "q").flatMap { $0.isEmpty ? nil : String($0.prefix(200)) }
        category = form.value(of: "category").flatMap { $0.isEmpty ? nil : $0 }
        if let statuses = query.get("status"), !statuses.isEmpty {
            filter.statuses = try statuses.split(separator: ",").map { word throws(Problem) in
                guard let status = BookingStatus(rawValue: String(word)) else {
                    throw Problem.malformed("status must be one of \(BookingStatus.allCases.map(\.rawValue).joined(separator: ", ")), not \(word).")
                }
                return status
            }
        }
        filter.createdFrom = try Self.date(query.get("from"), name: "from")
        filter.createdBefore = try Self.date(query.get("to"), name: "to")
        if let text = query.get("limit") {
            guard let value = Int(text), (1 ... largestPage).contains(value) else {
                throw Problem.malformed("limit must be a whole number from 1 to \(largestPage), not \(text).")
            }
            limit = value
        }
        if let text = query.get("after") {
            guard let cursor = OrderCursor(text) else { throw Problem.malformed("after must be the next of a previous page, not \(text).") }
            after = cursor
        }
    }

    /// A date-time such as `2026-12-05T10:00:00Z`, or a day such as `2026-12-05` (its midnight, UTC).
    private static func date(_ text: String?, name: String) throws(Problem) -> Date? {
        guard let text, !text.isEmpty else { return nil }
        if let date = try? Date(text, strategy: .iso8601) { return date }
        if let day = try? Date("\(text)T00:00:00Z", strategy: .iso8601) { return day }
        throw Problem.malformed("\(name) must be a date-time such as 2026-12-05T10:00:00Z or a day such as 2026-12-05, not \(text).")
    }
}
