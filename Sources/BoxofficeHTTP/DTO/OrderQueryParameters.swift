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
        category = form.value(of: "category").flatMap { $0.isEmpty ? nil : String($0.prefix(200)) }
        for (name, value) in [("q", text), ("category", category)] {
            guard let value else { continue }
            do {
                try TextRules.printable(value, field: name, allowingLineBreaks: false)
            } catch {
                throw Problem.malformed(error.detail)
            }
        }
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

    private static func date(_ text: String?, name: String) throws(Problem) -> Date? {
        try QueryDate.read(text, name: name, days: true)
    }
}
