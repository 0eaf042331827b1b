import Foundation
import NIOCore
import NIOPosix

extension LoadScenario {
    /// How many watchers read every delta's seats to time it; the others only count frames and bytes.
    static let sampledWatchers = 50

    /// watchers: flash sales of events of the same size, taking turns — one with nobody watching, then for each of
    /// `--rounds` rounds one with `--watchers` subscribers on its seat map (connected before the sale starts and
    /// closed after it) and one with nobody again — and what the subscribers saw: how soon a hold became visible,
    /// how many messages and bytes each got, how many the server dropped, and the server's memory. Sales taking
    /// turns share whatever slows the machine or grows the database, so their mean rates compare fairly.
    func watchers(_ options: LoadOptions, api: LoadAPI) async throws -> LoadReport {
        let size = options.size ?? 100_000
        let counts = WatcherCounts()
        let group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
        defer { group.shutdownGracefully { _ in } }
        var quiet = [try await seats(options, api: api, event: try await seatEvent(api, size: size, perRow: 250), untilSoldOut: true)]
        var watched: [LoadReport] = []
        var residentBytes: [Int] = []
        var watchedSeconds = 0.0
        for _ in 1 ... max(1, options.rounds) {
            let event = try await seatEvent(api, size: size, perRow: 250)
            let clock = SeatClock(firstSeat: event.firstSeat, seats: event.seats)
            let channels = try await connectWatchers(options, event: event, clock: clock, counts: counts, group: group)
            let sale = try await seats(options, api: api, event: event, untilSoldOut: true) { clock.answered(seat: $0) }
            try await Task.sleep(for: .seconds(1))
            if let bytes = try? await api.serverResidentBytes() { residentBytes.append(bytes) }
            for channel in channels { try? await LoadWatcher.close(channel).get() }
            watched.append(sale)
            watchedSeconds += sale.stats.seconds + 1
            quiet.append(try await seats(options, api: api, event: try await seatEvent(api, size: size, perRow: 250), untilSoldOut: true))
        }

        let quietRate = quiet.map(\.stats.successRate).reduce(0, +) / Double(quiet.count)
        let watchedRate = watched.map(\.stats.successRate).reduce(0, +) / Double(watched.count)
        let perWatcher = Double(max(options.watchers, 1)) * watchedSeconds
        func rates(_ sales: [LoadReport]) -> String { sales.map { "\(Int($0.stats.successRate))" }.joined(separator: ", ") }
        func ms(_ percentile: Double) -> String {
            counts.visibleMilliseconds(atPercentile: percentile).map { String(format: "%.1f", $0) } ?? "none seen"
        }
        var report = watched.last ?? quiet[0]
        report.scenario = rawValue
        report.facts += [
            ("without", "\(Int(quietRate)) holds/s with nobody watching (sales: \(rates(quiet)))"),
            ("with", "\(Int(watchedRate)) holds/s with \(options.watchers) watchers (sales: \(rates(watched))): \(Int((watchedRate / max(quietRate, 1) * 100).rounded())) % of without"),
            ("visible ms", "p50 \(ms(50))  p99 \(ms(99))  max \(ms(100))  (\(min(options.watchers, Self.sampledWatchers)) sampled watchers)"),
            ("per watcher", String(format: "%.1f messages/s, %.0f bytes/s", Double(counts.messageCount) / perWatcher, Double(counts.byteCount) / perWatcher)),
            ("dropped", "\(counts.dropCount) of \(options.watchers) watchers × \(watched.count) sales"),
            ("server RSS", residentBytes.isEmpty ? "unknown (no /metrics)" : residentBytes.map { "\($0 / 1_048_576) MB" }.joined(separator: ", ") + " with the watchers connected"),
        ]
        report.violations = (quiet + watched).flatMap(\.violations)
        return report
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
                    to: address, topic: .seats(eventID: event.id, clock: index < Self.sampledWatchers ? clock : nil), counts: counts, on: group.next()
                )
            }
            for connection in batch { channels.append(try await connection.get()) }
        }
        return channels
    }
}
