import Foundation
import NIOCore
import NIOPosix

extension LoadScenario {
    /// How many watchers read every delta's seats to time it; the others only count frames and bytes.
    static let sampledWatchers = 50

    /// watchers: the same flash sale three times, on three events of the same size — with nobody watching, then with
    /// `--watchers` subscribers on the second event's seat map (connected before its sale starts), then with nobody
    /// again — and what the subscribers saw: how soon a hold became visible, how many messages and bytes each got,
    /// how many the server dropped, and the server's memory. The watched sale is compared with the mean of the two
    /// others, which ran on a database with fewer and with more rows than it did.
    func watchers(_ options: LoadOptions, api: LoadAPI) async throws -> LoadReport {
        let size = options.size ?? 100_000
        let before = try await seats(options, api: api, event: try await seatEvent(api, size: size, perRow: 250), untilSoldOut: true)

        let event = try await seatEvent(api, size: size, perRow: 250)
        let counts = WatcherCounts()
        let clock = SeatClock(firstSeat: event.firstSeat, seats: event.seats)
        let group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
        defer { group.shutdownGracefully { _ in } }
        let started = ContinuousClock.now
        let channels = try await connectWatchers(options, event: event, clock: clock, counts: counts, group: group)
        let connecting = ContinuousClock.now - started
        let rssBefore = try? await api.serverResidentBytes()
        var watched = try await seats(options, api: api, event: event, untilSoldOut: true) { clock.answered(seat: $0) }
        try await Task.sleep(for: .seconds(1))
        let rss = try? await api.serverResidentBytes()
        for channel in channels { _ = LoadWatcher.close(channel) }
        let after = try await seats(options, api: api, event: try await seatEvent(api, size: size, perRow: 250), untilSoldOut: true)
        let quiet = (before.stats.successRate + after.stats.successRate) / 2

        let seconds = watched.stats.seconds + 1
        let perWatcher = Double(max(options.watchers, 1)) * seconds
        let ratio = quiet > 0 ? watched.stats.successRate / quiet : 0
        func ms(_ percentile: Double) -> String {
            counts.visibleMilliseconds(atPercentile: percentile).map { String(format: "%.1f", $0) } ?? "none seen"
        }
        watched.facts += [
            ("without", "\(Int(quiet)) holds/s with nobody watching (\(Int(before.stats.successRate)) before, \(Int(after.stats.successRate)) after)"),
            ("with", "\(Int(watched.stats.successRate)) holds/s with \(options.watchers) watchers: \(Int((ratio * 100).rounded())) % of without"),
            ("visible ms", "p50 \(ms(50))  p99 \(ms(99))  max \(ms(100))  (\(min(options.watchers, Self.sampledWatchers)) sampled watchers)"),
            ("per watcher", String(format: "%.1f messages/s, %.0f bytes/s", Double(counts.messageCount) / perWatcher, Double(counts.byteCount) / perWatcher)),
            ("dropped", "\(counts.dropCount) of \(options.watchers) watchers"),
            ("connected", String(format: "%d watchers in %.1f s", options.watchers, Double(connecting.components.seconds) + Double(connecting.components.attoseconds) / 1e18)),
            ("server RSS", [rssBefore, rss].map { $0.map { "\($0 / 1_048_576) MB" } ?? "unknown (no /metrics)" }.joined(separator: " before the sale, ") + " after"),
        ]
        watched.violations += (before.violations + after.violations).map { "without watchers: \($0)" }
        return watched
    }

    /// Connects every watcher, a few hundred at a time, and waits until each has its subscription confirmed.
    private func connectWatchers(
        _ options: LoadOptions, event: CreatedEvent, clock: SeatClock, counts: WatcherCounts, group: MultiThreadedEventLoopGroup
    ) async throws -> [any Channel] {
        let address = try options.serverAddress()
        var channels: [any Channel] = []
        for start in stride(from: 0, to: options.watchers, by: 256) {
            let batch = (start ..< min(start + 256, options.watchers)).map { index in
                LoadWatcher.connect(
                    to: address, eventID: event.id, seats: index < Self.sampledWatchers ? clock : nil, counts: counts, on: group.next()
                )
            }
            for connection in batch { channels.append(try await connection.get()) }
        }
        return channels
    }
}
