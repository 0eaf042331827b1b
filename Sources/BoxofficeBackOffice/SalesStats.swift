import BoxofficeDomain
import BoxofficeTickets
import Foundation

/// The time an organizer's chart covers, cut into equal buckets.
public struct StatsWindow: Sendable, Hashable {
    /// The first bucket's start.
    public var from: Date
    /// The end (not included).
    public var to: Date
    /// Each bucket's length, in seconds: a whole number of minutes (conflicts are counted per minute).
    public var stepSeconds: Int

    /// The most buckets one answer has.
    public static let maxBuckets = 5_000

    /// A window checked: `from` before `to`, a step of whole minutes, at most ``maxBuckets`` buckets. Without a step:
    /// a minute for up to six hours (an on-sale), an hour for up to two weeks, else a day.
    /// - Throws: ``DomainError/invalid(_:)``.
    public init(from: Date, to: Date, stepSeconds: Int?) throws(DomainError) {
        guard from < to else { throw .invalid("from must be before to.") }
        let span = to.timeIntervalSince(from)
        let step = stepSeconds ?? (span <= 6 * 3_600 ? 60 : span <= 14 * 86_400 ? 3_600 : 86_400)
        guard step >= 60, step % 60 == 0, step <= 31 * 86_400 else { throw .invalid("step must be a whole number of minutes, from 60 seconds to 31 days.") }
        guard span / Double(step) <= Double(Self.maxBuckets) else {
            throw .invalid("from … to holds more than \(Self.maxBuckets) steps of \(step) s; choose a larger step.")
        }
        self.from = from
        self.to = to
        self.stepSeconds = step
    }

    /// How many buckets.
    public var count: Int { Int((to.timeIntervalSince(from) / Double(stepSeconds)).rounded(.up)) }

    /// The bucket a moment falls in, or nil outside the window.
    public func bucket(of moment: Date) -> Int? {
        guard moment >= from, moment < to else { return nil }
        return Int(moment.timeIntervalSince(from)) / stepSeconds
    }
}

/// What the database says of a window, each count per bucket (see ``StatsWindow/bucket(of:)``).
public struct SalesFacts: Sendable {
    /// Bookings confirmed in the window, with when.
    public var confirmed: [(at: Date, booking: Booking)]
    /// Holds made (bookings created), per bucket.
    public var holds: [Int: Int]
    /// Holds refused because what they asked for was taken, per bucket (counted per minute by every instance).
    public var conflicts: [Int: Int]
    /// Tickets let in at the door, per bucket.
    public var checkins: [Int: Int]
    /// Money on its way back, per bucket, in minor units.
    public var refunded: [Int: Int64]

    /// Creates the facts.
    public init(confirmed: [(at: Date, booking: Booking)], holds: [Int: Int], conflicts: [Int: Int], checkins: [Int: Int], refunded: [Int: Int64]) {
        self.confirmed = confirmed
        self.holds = holds
        self.conflicts = conflicts
        self.checkins = checkins
        self.refunded = refunded
    }
}

/// One bucket of an event's sales chart.
public struct SalesBucket: Sendable, Hashable {
    /// Its start.
    public var start: Date
    /// Tickets sold (in bookings confirmed in it).
    public var sold = 0
    /// Their price, in minor units.
    public var revenueMinor: Int64 = 0
    /// Money refunded, in minor units.
    public var refundedMinor: Int64 = 0
    /// Holds made.
    public var holds = 0
    /// Holds refused for seats or tickets taken.
    public var conflicts = 0
    /// Tickets let in.
    public var checkedIn = 0
}

/// Tickets sold of one price category or pool.
public struct CategorySales: Sendable, Hashable {
    /// The category's or pool's name.
    public var name: String
    /// Tickets sold.
    public var sold: Int
    /// Their price, in minor units.
    public var revenueMinor: Int64
}

/// An event's sales over a window: the buckets, and what sold per category.
public struct SalesStats: Sendable {
    /// The window.
    public var window: StatsWindow
    /// One per step, in time order.
    public var buckets: [SalesBucket]
    /// Tickets sold in the window per category or pool, in the event's order.
    public var byCategory: [CategorySales]

    /// The chart of `facts` over `window`.
    public init(_ facts: SalesFacts, event: Event, window: StatsWindow) {
        self.window = window
        var buckets = (0 ..< window.count).map { SalesBucket(start: window.from.addingTimeInterval(Double($0 * window.stepSeconds))) }
        var categories: [String: (sold: Int, revenue: Int64)] = [:]
        for (at, booking) in facts.confirmed {
            guard let index = window.bucket(of: at) else { continue }
            for ticket in Ticket.tickets(of: booking, in: event) {
                buckets[index].sold += 1
                buckets[index].revenueMinor += ticket.priceMinor
                categories[ticket.category, default: (0, 0)].sold += 1
                categories[ticket.category, default: (0, 0)].revenue += ticket.priceMinor
            }
        }
        for index in buckets.indices {
            buckets[index].holds = facts.holds[index] ?? 0
            buckets[index].conflicts = facts.conflicts[index] ?? 0
            buckets[index].checkedIn = facts.checkins[index] ?? 0
            buckets[index].refundedMinor = facts.refunded[index] ?? 0
        }
        self.buckets = buckets
        let names = event.categories.map(\.name) + event.gaPools.map(\.name)
        byCategory = names.map { CategorySales(name: $0, sold: categories[$0]?.sold ?? 0, revenueMinor: categories[$0]?.revenue ?? 0) }
    }
}
