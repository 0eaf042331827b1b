import BoxofficeBackOffice
import BoxofficeDomain
import Foundation
import Hummingbird

extension BackOfficeController {
    /// `GET /api/events/{id}/stats?from&to&step`: the event's sale over time, from the database (every instance's
    /// doing): tickets sold and revenue, refunds, holds made and refused for taken seats, tickets let in; and what sold
    /// per category. `from` defaults to the sales start and `to` to now; both are moved to whole minutes.
    func stats(_ request: Request, context: BoxofficeRequestContext) async throws -> StatsBody {
        _ = try context.requireOrganizer()
        let event = try pathEvent(context)
        let query = request.uri.queryParameters
        let moment = now()
        var to = try QueryDate.read(query.get("to"), name: "to", days: false) ?? moment
        // By default since sales opened (at least the last hour), and never more days than one answer has steps.
        let earliest = to.addingTimeInterval(-Double(StatsWindow.maxBuckets - 1) * 86_400)
        var from = try QueryDate.read(query.get("from"), name: "from", days: false) ?? max(min(event.details.salesStart, to.addingTimeInterval(-3_600)), earliest)
        for (name, date) in [("from", from), ("to", to)] where !EventDraft.dateWindow.contains(date) {
            throw Problem.invalid("\(name) must be between the years 2000 and 2199.")
        }
        from = Self.minute(from, up: false)
        to = Self.minute(to, up: true)
        var step: Int?
        if let text = query.get("step"), !text.isEmpty {
            guard let seconds = Int(text) else { throw Problem.malformed("step must be a whole number of seconds, not \(text).") }
            step = seconds
        }
        let window = try StatsWindow(from: from, to: to, stepSeconds: step)
        return StatsBody(SalesStats(try await backOffice.store.salesFacts(of: event.id, in: window), event: event, window: window), event: event)
    }

    /// A moment moved to its minute's start (or the next minute's, when not on one already and `up`).
    private static func minute(_ date: Date, up: Bool) -> Date {
        let seconds = date.timeIntervalSince1970
        let start = (seconds / 60).rounded(.down) * 60
        return Date(timeIntervalSince1970: up && start < seconds ? start + 60 : start)
    }
}

/// `GET /api/events/{id}/stats`.
struct StatsBody: ResponseEncodable {
    struct Bucket: Encodable {
        let start: Date
        let sold: Int
        let revenueMinor: Int64
        let refundedMinor: Int64
        let holds: Int
        let conflicts: Int
        let checkedIn: Int
    }

    struct Category: Encodable {
        let name: String
        let sold: Int
        let revenueMinor: Int64
    }

    let eventId: Int64
    let currency: String
    let from: Date
    let to: Date
    let stepSeconds: Int
    let buckets: [Bucket]
    /// Every bucket added up.
    let totals: Bucket
    let byCategory: [Category]

    init(_ stats: SalesStats, event: Event) {
        eventId = event.id.rawValue
        currency = event.details.currency.code
        from = stats.window.from
        to = stats.window.to
        stepSeconds = stats.window.stepSeconds
        buckets = stats.buckets.map {
            Bucket(
                start: $0.start, sold: $0.sold, revenueMinor: $0.revenueMinor, refundedMinor: $0.refundedMinor, holds: $0.holds, conflicts: $0.conflicts,
                checkedIn: $0.checkedIn
            )
        }
        totals = Bucket(
            start: stats.window.from, sold: buckets.reduce(0) { $0 + $1.sold }, revenueMinor: buckets.reduce(0) { $0 + $1.revenueMinor },
            refundedMinor: buckets.reduce(0) { $0 + $1.refundedMinor }, holds: buckets.reduce(0) { $0 + $1.holds },
            conflicts: buckets.reduce(0) { $0 + $1.conflicts }, checkedIn: buckets.reduce(0) { $0 + $1.checkedIn }
        )
        byCategory = stats.byCategory.map { Category(name: $0.name, sold: $0.sold, revenueMinor: $0.revenueMinor) }
    }
}
