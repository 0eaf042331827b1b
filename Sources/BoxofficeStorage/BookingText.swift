import BoxofficeDomain

/// The text form in which both stores keep a booking's seats (`"12,13"`) and GA tickets (`"4:2,5:1"`).
public enum BookingText {
    /// Seat ids separated by commas.
    public static func seats(_ seats: [SeatID]) -> String { seats.map(\.description).joined(separator: ",") }

    /// Reads seat ids separated by commas.
    public static func seats(_ text: String) -> [SeatID] {
        text.split(separator: ",").compactMap { Int64($0).map(SeatID.init(rawValue:)) }
    }

    /// `pool:quantity` pairs separated by commas.
    public static func tickets(_ tickets: [TicketQuantity]) -> String {
        tickets.map { "\($0.poolID):\($0.quantity)" }.joined(separator: ",")
    }

    /// Reads `pool:quantity` pairs.
    public static func tickets(_ text: String) -> [TicketQuantity] {
        text.split(separator: ",").compactMap { pair in
            let parts = pair.split(separator: ":")
            guard parts.count == 2, let pool = Int64(parts[0]), let quantity = Int(parts[1]) else { return nil }
            return TicketQuantity(poolID: PoolID(rawValue: pool), quantity: quantity)
        }
    }
}
