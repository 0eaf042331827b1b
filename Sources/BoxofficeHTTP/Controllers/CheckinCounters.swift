import BoxofficeDomain
import BoxofficeTickets
import Metrics
import Synchronization

/// `boxoffice_checkins_total{event, result}`: each counter made once and kept, since making one asks the metrics
/// factory under its lock (2 % of a scan at the door).
final class CheckinCounters: Sendable {
    private struct Key: Hashable {
        let event: EventID
        let result: CheckinResult
    }

    private let counters = Mutex<[Key: Counter]>([:])

    /// Counts one scan's result.
    func count(_ result: CheckinResult, at event: EventID) {
        let key = Key(event: event, result: result)
        let counter = counters.withLock { counters in
            if let counter = counters[key] { return counter }
            let counter = Counter(label: "boxoffice_checkins_total", dimensions: [("event", String(event.rawValue)), ("result", result.rawValue)])
            counters[key] = counter
            return counter
        }
        counter.increment()
    }
}
