import BoxofficeDomain

/// The paths that both the router and the event loop's fast path answer, written once.
enum APIRoutes {
    /// The group every API route lives in.
    static let api = "api"
    /// The seed's safe booking of one seat, within ``api``.
    static let safeBooking = "book/safe"
    /// An event's seat map, within ``api``.
    static let seatMap = "\(seatMapPrefix):id\(seatMapSuffix)"
    /// The WebSocket of live updates, within ``api``.
    static let liveSocket = "ws"

    /// `/api/book/safe`, as a request names it.
    static let safeBookingPath = "/\(api)/\(safeBooking)"
    /// `/api/ws`, as a request names it.
    static let liveSocketPath = "/\(api)/\(liveSocket)"

    private static let seatMapPrefix = "events/"
    private static let seatMapSuffix = "/seats"
    private static let seatMapPathPrefix = "/\(api)/\(seatMapPrefix)"

    /// The event a seat map path (`/api/events/{id}/seats`) names; nil for any other path.
    static func seatMapEvent(_ path: String) -> EventID? {
        let prefix = seatMapPathPrefix, suffix = seatMapSuffix
        guard path.hasPrefix(prefix), path.hasSuffix(suffix), path.utf8.count > prefix.utf8.count + suffix.utf8.count else { return nil }
        let digits = path.utf8.dropFirst(prefix.utf8.count).dropLast(suffix.utf8.count)
        guard digits.allSatisfy({ $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") }) else { return nil }
        return Int64(Substring(digits)).map(EventID.init(rawValue:))
    }
}
