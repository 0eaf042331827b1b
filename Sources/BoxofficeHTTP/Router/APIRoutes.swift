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
        event(in: path, suffix: seatMapSuffix)
    }

    /// The event a check-in path (`/api/events/{id}/checkins`) names; nil for any other path.
    static func checkinEvent(_ path: String) -> EventID? {
        event(in: path, suffix: "/checkins")
    }

    /// The event of `/api/events/{id}` + `suffix`.
    private static func event(in path: String, suffix: String) -> EventID? {
        let prefix = seatMapPathPrefix
        guard path.hasPrefix(prefix), path.hasSuffix(suffix), path.utf8.count > prefix.utf8.count + suffix.utf8.count else { return nil }
        let digits = path.utf8.dropFirst(prefix.utf8.count).dropLast(suffix.utf8.count)
        guard digits.allSatisfy({ $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") }) else { return nil }
        return Int64(Substring(digits)).map(EventID.init(rawValue:))
    }
}
