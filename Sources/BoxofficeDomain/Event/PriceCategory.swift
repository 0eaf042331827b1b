/// A price level of seats, such as "Stalls" at 45.00.
public struct PriceCategory: Hashable, Sendable {
    /// The organizer's short key for the category, unique within an event.
    public var key: String
    /// The name shown to buyers.
    public var name: String
    /// The price of one seat in minor units.
    public var priceMinor: Int64

    /// Creates a category.
    public init(key: String, name: String, priceMinor: Int64) {
        self.key = key
        self.name = name
        self.priceMinor = priceMinor
    }
}
