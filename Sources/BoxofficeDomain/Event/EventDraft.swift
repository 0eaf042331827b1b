import Foundation

/// A checked request to create an event: everything but the ids, which the store assigns.
public struct EventDraft: Sendable, Hashable {
    /// A GA pool before it has an id.
    public struct Pool: Sendable, Hashable {
        /// The pool's name.
        public var name: String
        /// The price of one ticket in minor units.
        public var priceMinor: Int64
        /// How many tickets the pool has.
        public var capacity: Int

        /// Creates a pool description.
        public init(name: String, priceMinor: Int64, capacity: Int) {
            self.name = name
            self.priceMinor = priceMinor
            self.capacity = capacity
        }
    }

    /// The checked facts.
    public var details: EventDetails
    /// The checked categories.
    public let categories: [PriceCategory]
    /// The built seat map.
    public let seatMap: SeatMap
    /// The checked pools.
    public let gaPools: [Pool]

    /// The longest hold an organizer may configure: one day.
    public static let maxHoldTTLSeconds = 86_400
    /// The most tickets one booking may ever allow.
    public static let maxTicketsLimit = 100
    /// The largest cap on what one customer or one address may hold.
    public static let maxCapLimit = 1_000_000
    /// The most price categories of one event (the seat map encodes one per seat in a base-36 digit).
    public static let maxCategories = 36
    /// The most GA pools of one event.
    public static let maxPools = 50

    /// The dates an event may name: 2000-01-01 up to 2200-01-01.
    public static let dateWindow = Date(timeIntervalSince1970: 946_684_800) ..< Date(timeIntervalSince1970: 7_258_118_400)

    /// Checks every rule of an event and builds its seat map.
    /// - Throws: ``DomainError/invalid(_:)`` naming the first broken rule.
    public init(details: EventDetails, categories: [PriceCategory], seatMap spec: SeatMapSpec, gaPools: [Pool]) throws(DomainError) {
        self.details = try Self.check(details)
        self.categories = try Self.check(categories)
        self.seatMap = try spec.build(categories: self.categories)
        self.gaPools = try Self.check(gaPools)
        guard seatMap.seatCount > 0 || !self.gaPools.isEmpty else {
            throw .invalid("An event needs at least one seat or one general admission pool.")
        }
    }

    /// Checks the facts of an event (at creation and at every edit, see ``EventDetails/validated()``).
    /// - Throws: ``DomainError/invalid(_:)`` naming the first broken rule.
    static func check(_ details: EventDetails) throws(DomainError) -> EventDetails {
        var details = details
        details.title = try TextRules.required(details.title, field: "title")
        details.venue = try TextRules.required(details.venue, field: "venue")
        guard details.description.count <= 5_000 else { throw .invalid("description must be at most 5000 characters.") }
        try TextRules.printable(details.description, field: "description", allowingLineBreaks: true)
        var dates = [("starts_at", details.startsAt), ("sales_start", details.salesStart), ("sales_end", details.salesEnd)]
        if let cutoff = details.cancellationCutoff { dates.append(("cancellation_cutoff", cutoff)) }
        for (name, date) in dates {
            guard dateWindow.contains(date) else { throw .invalid("\(name) must be between the years 2000 and 2199.") }
        }
        guard details.salesStart < details.salesEnd else { throw .invalid("sales_start must be before sales_end.") }
        if let cutoff = details.cancellationCutoff, cutoff > details.startsAt {
            throw .invalid("cancellation_cutoff must be at or before starts_at: nobody cancels a show they have seen.")
        }
        guard details.holdTTLSeconds > 0, details.holdTTLSeconds <= maxHoldTTLSeconds else {
            throw .invalid("hold_ttl_seconds must be between 1 and \(maxHoldTTLSeconds).")
        }
        guard details.maxTicketsPerBooking > 0, details.maxTicketsPerBooking <= maxTicketsLimit else {
            throw .invalid("max_tickets_per_booking must be between 1 and \(maxTicketsLimit).")
        }
        if let cap = details.maxTicketsPerCustomer, !(1 ... maxCapLimit).contains(cap) {
            throw .invalid("max_tickets_per_customer must be between 1 and \(maxCapLimit), or null for no cap.")
        }
        if let cap = details.heldPerAddress, !(1 ... maxCapLimit).contains(cap) {
            throw .invalid("held_per_address must be between 1 and \(maxCapLimit), or null for ten times max_tickets_per_customer.")
        }
        return details
    }

    private static func check(_ categories: [PriceCategory]) throws(DomainError) -> [PriceCategory] {
        guard categories.count <= maxCategories else { throw .invalid("An event may have at most \(maxCategories) price categories.") }
        var keys = Set<String>()
        var checked: [PriceCategory] = []
        for category in categories {
            let key = try TextRules.required(category.key, field: "category id", maxLength: 50)
            guard keys.insert(key).inserted else { throw .invalid("Price category \"\(key)\" appears twice.") }
            let name = category.name.isEmpty ? key : try TextRules.required(category.name, field: "category name")
            try checkPrice(category.priceMinor, of: "category \"\(key)\"")
            checked.append(PriceCategory(key: key, name: name, priceMinor: category.priceMinor))
        }
        return checked
    }

    private static func check(_ pools: [Pool]) throws(DomainError) -> [Pool] {
        guard pools.count <= maxPools else { throw .invalid("An event may have at most \(maxPools) general admission pools.") }
        var names = Set<String>()
        var checked: [Pool] = []
        for pool in pools {
            let name = try TextRules.required(pool.name, field: "pool name")
            guard names.insert(name).inserted else { throw .invalid("General admission pool \"\(name)\" appears twice.") }
            try checkPrice(pool.priceMinor, of: "pool \"\(name)\"")
            guard pool.capacity > 0, pool.capacity <= 1_000_000 else {
                throw .invalid("The capacity of pool \"\(name)\" must be between 1 and 1000000.")
            }
            checked.append(Pool(name: name, priceMinor: pool.priceMinor, capacity: pool.capacity))
        }
        return checked
    }

    /// A price is 0 to 100,000,000 minor units, at creation and when it is changed.
    static func checkPrice(_ price: Int64, of owner: String) throws(DomainError) {
        guard price >= 0, price <= 100_000_000 else {
            throw .invalid("The price of \(owner) must be between 0 and 100000000 minor units.")
        }
    }
}
