/// A buyer's request that the engine choose the seats: how many, where, and whether they must be side by side.
public struct BestAvailableRequest: Sendable, Hashable {
    /// How many seats.
    public var quantity: Int
    /// The price categories (their keys) the seats may be in; empty for any.
    public var categories: [String]
    /// The sections (their names) the seats may be in; empty for any.
    public var sections: [String]
    /// Whether the seats must be next to each other in one row; otherwise they may be split (as few groups as
    /// possible, the best first) when no group of `quantity` is left.
    public var together: Bool
    /// How many of the seats must be accessible ones.
    public var accessible: Int

    /// Creates a request.
    public init(quantity: Int, categories: [String] = [], sections: [String] = [], together: Bool = true, accessible: Int = 0) {
        self.quantity = quantity
        self.categories = categories
        self.sections = sections
        self.together = together
        self.accessible = accessible
    }

    /// Checks the request against the event, without looking at availability.
    /// - Throws: ``DomainError/invalid(_:)`` naming the first broken rule.
    func check(for event: Event) throws(DomainError) {
        guard event.seatMap.seatCount > 0 else { throw .invalid("Event \(event.id) has no seats to choose from.") }
        guard (1 ... event.details.maxTicketsPerBooking).contains(quantity) else {
            throw .invalid("best_available.quantity must be between 1 and \(event.details.maxTicketsPerBooking), the most one booking may have.")
        }
        guard (0 ... quantity).contains(accessible) else { throw .invalid("best_available.accessible must be between 0 and the quantity.") }
        let keys = Set(event.categories.map(\.key))
        if let unknown = categories.first(where: { !keys.contains($0) }) {
            throw .invalid("Event \(event.id) has no price category \"\(unknown)\".")
        }
        let names = Set(event.seatMap.sections.map(\.name))
        if let unknown = sections.first(where: { !names.contains($0) }) {
            throw .invalid("Event \(event.id) has no section \"\(unknown)\".")
        }
        if accessible > 0, event.seatMap.accessible.isEmpty {
            throw .invalid("Event \(event.id) has no accessible seats.")
        }
    }
}
