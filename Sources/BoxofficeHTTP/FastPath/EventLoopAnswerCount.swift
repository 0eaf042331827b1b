import Metrics
import Synchronization

/// How many requests the event loops answered themselves (``FlashSaleChannelHandler``) instead of the router:
/// one count shared by the handlers of every connection of a server, and in the metrics as
/// `boxoffice_fast_path_answers_total{route, status}` (the router's own answers are Hummingbird's
/// `http_server_requests_total`).
public final class EventLoopAnswerCount: Sendable {
    /// The routes the event loop answers.
    enum Route: String, Sendable {
        case safeBooking = "POST /api/book/safe"
        case seatMap = "GET /api/events/{id}/seats"
        case checkin = "POST /api/events/{id}/checkins"
    }

    private let count = Atomic<Int>(0)
    private let counters = Mutex<[String: Counter]>([:])

    /// Creates a count at zero.
    public init() {}

    /// The requests answered so far.
    public var value: Int { count.load(ordering: .relaxed) }

    func add(_ route: Route, status: Int) {
        count.add(1, ordering: .relaxed)
        let key = "\(route.rawValue) \(status)"
        let counter = counters.withLock { counters in
            if let known = counters[key] { return known }
            let made = Counter(label: "boxoffice_fast_path_answers_total", dimensions: [("route", route.rawValue), ("status", String(status))])
            counters[key] = made
            return made
        }
        counter.increment()
    }
}
