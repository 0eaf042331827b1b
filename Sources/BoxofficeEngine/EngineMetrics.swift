import BoxofficeDomain
import Metrics

/// What an operator watches of the engine on a sale day: holds per event and how large the batches are.
enum EngineMetrics {
    /// One batch written for an event: `boxoffice_batch_changes` (a histogram of its size) and
    /// `boxoffice_holds_total` (the holds it stored).
    static func wrote(batch changes: Int, holds: Int, event: EventID) {
        let dimensions = [("event", String(event.rawValue))]
        Recorder(label: "boxoffice_batch_changes", dimensions: dimensions, aggregate: true).record(changes)
        if holds > 0 { Counter(label: "boxoffice_holds_total", dimensions: dimensions).increment(by: holds) }
    }
}
