import Histogram

/// What one load run counted: answers by kind and the latency of every request.
public struct LoadStats: Sendable {
    /// Empty counts.
    public init() {}

    /// Requests sent and answered (or failed at the transport).
    public var requests = 0
    /// 2xx answers (and 304 revalidations).
    public var successes = 0
    /// 409 answers: the seat or ticket was taken by someone else.
    public var conflicts = 0
    /// Everything else: other statuses and transport errors.
    public var errors = 0
    /// Latencies in microseconds.
    var latency = Histogram<UInt64>(highestTrackableValue: 60_000_000, numberOfSignificantValueDigits: .three)
    /// How long the run took.
    public var elapsed: Duration = .zero

    /// Adds another worker's counts.
    public mutating func merge(_ other: LoadStats) {
        requests += other.requests
        successes += other.successes
        conflicts += other.conflicts
        errors += other.errors
        latency.add(other.latency)
    }

    /// Counts one answer.
    public mutating func record(status: Int?, micros: UInt64) {
        requests += 1
        _ = latency.record(max(micros, 1))
        switch status {
        case .some(200 ..< 300), .some(304): successes += 1
        case .some(409): conflicts += 1
        default: errors += 1
        }
    }

    /// Requests per second.
    public var throughput: Double { Double(requests) / seconds }
    /// Successes per second.
    public var successRate: Double { Double(successes) / seconds }

    /// The run's length in seconds.
    public var seconds: Double {
        let parts = elapsed.components
        return max(Double(parts.seconds) + Double(parts.attoseconds) / 1e18, 1e-9)
    }

    /// How many latencies were recorded.
    public var recorded: UInt64 { latency.totalCount }

    /// The longest latency, in milliseconds.
    public var maxMilliseconds: Double { Double(latency.max) / 1_000 }

    /// Latency at a percentile, in milliseconds.
    public func milliseconds(atPercentile percentile: Double) -> Double {
        Double(latency.valueAtPercentile(percentile)) / 1_000
    }
}
