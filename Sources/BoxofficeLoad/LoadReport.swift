import Foundation

/// The printed result of a scenario: counts, rates, latency percentiles and the invariant check.
public struct LoadReport: Sendable {
    /// The scenario's name.
    public var scenario: String
    /// What was counted.
    public var stats: LoadStats
    /// Scenario-specific facts, such as tickets sold or bytes per seat map.
    public var facts: [(String, String)] = []
    /// Broken invariants; empty when the check passed.
    public var violations: [String] = []

    /// Creates a report.
    public init(scenario: String, stats: LoadStats, facts: [(String, String)] = [], violations: [String] = []) {
        self.scenario = scenario
        self.stats = stats
        self.facts = facts
        self.violations = violations
    }

    /// Whether the invariants held.
    public var passed: Bool { violations.isEmpty }

    /// The report as text.
    public var text: String {
        var lines = [
            "scenario     \(scenario)",
            "requests     \(stats.requests) in \(format(seconds: stats.elapsed))",
            "successes    \(stats.successes)",
            "conflicts    \(stats.conflicts)",
            "errors       \(stats.errors)",
            "throughput   \(Int(stats.throughput)) requests/s, \(Int(stats.successRate)) successes/s",
            "latency ms   p50 \(ms(50))  p90 \(ms(90))  p99 \(ms(99))  p99.9 \(ms(99.9))  max \(format(stats.maxMilliseconds))",
        ]
        for (name, value) in facts { lines.append(name.padding(toLength: 13, withPad: " ", startingAt: 0) + value) }
        lines.append("invariants   " + (passed ? "PASS" : "FAIL: " + violations.joined(separator: "; ")))
        return lines.joined(separator: "\n")
    }

    private func ms(_ percentile: Double) -> String { format(stats.milliseconds(atPercentile: percentile)) }

    private func format(_ value: Double) -> String {
        let hundredths = Int((value * 100).rounded())
        return "\(hundredths / 100).\(String(format: "%02d", hundredths % 100))"
    }

    private func format(seconds duration: Duration) -> String {
        let parts = duration.components
        return format(Double(parts.seconds) + Double(parts.attoseconds) / 1e18) + " s"
    }
}
