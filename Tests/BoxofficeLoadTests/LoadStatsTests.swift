import BoxofficeLoad
import Testing

@Suite("Load statistics and reports")
struct LoadStatsTests {
    @Test("answers are counted by kind and latencies by percentile")
    func counting() {
        var stats = LoadStats()
        for micros in 1 ... 100 { stats.record(status: 200, micros: UInt64(micros) * 1_000) }
        stats.record(status: 409, micros: 500)
        stats.record(status: 304, micros: 500)
        stats.record(status: 503, micros: 500)
        stats.record(status: nil, micros: 500)
        #expect(stats.requests == 104)
        #expect(stats.successes == 101)
        #expect(stats.conflicts == 1)
        #expect(stats.errors == 2)
        #expect((47.0 ... 49.0).contains(stats.milliseconds(atPercentile: 50)), "the 52nd of 104: four answers took 0.5 ms")
        #expect((99.0 ... 101.0).contains(stats.maxMilliseconds))
    }

    @Test("merged workers add up")
    func merging() {
        var first = LoadStats()
        var second = LoadStats()
        first.record(status: 200, micros: 10)
        second.record(status: 409, micros: 20)
        first.merge(second)
        #expect(first.requests == 2 && first.successes == 1 && first.conflicts == 1)
        #expect(first.recorded == 2)
    }

    @Test("a report says FAIL with the broken invariants")
    func report() {
        var report = LoadReport(scenario: "attack", stats: LoadStats())
        #expect(report.text.contains("invariants   PASS"))
        report.violations = ["2 requests won the one seat"]
        #expect(report.text.contains("invariants   FAIL: 2 requests won the one seat"))
    }

    @Test("only this machine is a target by default", arguments: [
        ("http://127.0.0.1:8080", true), ("http://localhost:9000", true), ("http://[::1]:8080", true),
        ("http://10.0.0.5:8080", false), ("http://example.com", false),
    ])
    func loopback(url: String, expected: Bool) {
        var options = LoadOptions()
        options.baseURL = url
        #expect(options.targetsLoopback == expected)
    }
}
