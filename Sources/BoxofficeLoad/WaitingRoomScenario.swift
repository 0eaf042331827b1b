import Foundation
import NIOCore
import NIOHTTP1
import NIOPosix
import Synchronization

/// `loadtest waiting-room`: `--size` visitors join an event's pre-queue, the sale opens, the cursor lets them in at the
/// set rate, and admitted visitors hold seats with their passes while others try to hold without one.
///
/// Reports joins/s, the admission rate achieved against the one set, the fairness of the draw (Kendall's τ between the
/// order visitors joined the pre-queue in and their positions: near 0 when arriving first earns nothing; and for
/// visitors joining after the opening, exactly 1), how soon `--watchers` visitors connected to the queue's live topic
/// saw the cursor move, and how every way around the pass fared. The invariants: one place per visitor, later
/// arrivals first in first out, every bypass refused, and only holds with a pass stored.
extension LoadScenario {
    /// How many visitors' positions are read back for the fairness measure: τ's sampling error over 20,000 unrelated
    /// pairs is about 0.005, so |τ| ≤ 0.02 measures the draw, not the sample.
    static let fairnessSample = 20_000
    /// How many admitted visitors hold a seat, and how many holds try to get around the pass.
    static let holders = 100
    /// How many visitors join one by one after the opening, to check they keep their arrival order.
    static let lateArrivals = 200
    /// How many of the queue's watchers time every frame.
    static let sampledQueueWatchers = 200

    func waitingRoom(_ options: LoadOptions, api: LoadAPI) async throws -> LoadReport {
        let visitors = options.size ?? 10_000
        let rate = max(60, visitors * 6)  // everyone in within about ten seconds of the opening
        // The pre-queue must hold everyone: sales open once a thousand joins a second would have let all of them in.
        let opening = Date().addingTimeInterval(Double(visitors) / 1_000 + 6)
        let event = try await queuedEvent(api, opening: opening, rate: rate)
        // Joining: one anonymous join per visitor, in arrival order; each answer brings the visitor's guest token.
        let next = Atomic(0)
        let tokens = Mutex([String?](repeating: nil, count: visitors))
        let misplaced = Atomic(0)
        // Every visitor joins once: bounded by the visitors, not by --duration.
        var joinOptions = options
        joinOptions.maxRequests = visitors
        joinOptions.duration = .seconds(600)
        let stats = try await LoadDriver(options: joinOptions).run { _ in
            let visitor = next.add(1, ordering: .relaxed).oldValue
            guard visitor < visitors else { return nil }
            var request = LoadRequest(.POST, "/api/events/\(event.id)/queue")
            request.keepsBody = true
            return .init(request: request, tag: visitor)
        } answered: { _, visitor, answer in
            guard answer?.status == 200, let json = Self.object(answer?.body) else { return }
            if json["state"] as? String != "pre_queue" { misplaced.add(1, ordering: .relaxed) }
            tokens.withLock { $0[visitor] = json["guest_token"] as? String }
        }
        let joined = tokens.withLock { $0 }
        var report = LoadReport(scenario: rawValue, stats: stats)
        let missing = joined.filter { $0 == nil }.count
        if missing > 0 { report.violations.append("\(missing) visitors could not join") }
        if misplaced.load(ordering: .relaxed) > 0 { report.violations.append("\(misplaced.load(ordering: .relaxed)) visitors joined the pre-queue with another state") }
        // A visitor joining again keeps its place; a hold before admission is refused.
        let again = try await api.send(api.request(.POST, "/api/events/\(event.id)/queue", headers: Self.bearer(joined[0])))
        if again.json["state"] as? String != "pre_queue" { report.violations.append("joining again changed a visitor's place: \(again.json)") }
        // Visitors watching the queue's live topic, connected before the opening.
        let counts = WatcherCounts()
        let group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
        defer { group.shutdownGracefully { _ in } }
        let address = try options.serverAddress()
        var channels: [any Channel] = []
        for start in stride(from: 0, to: options.watchers, by: 256) {
            let batch = (start ..< min(start + 256, options.watchers)).map { index in
                LoadWatcher.connect(to: address, topic: .queue(eventID: event.id, sampled: index < Self.sampledQueueWatchers), counts: counts, on: group.next())
            }
            for connection in batch { channels.append(try await connection.get()) }
        }
        // The opening: the draw, then the cursor at the set rate, measured by the server's own tick times.
        try await Task.sleep(for: .seconds(max(0, opening.timeIntervalSinceNow) + 1.5))
        let first = try await queueState(api, event.id)
        try await Task.sleep(for: .seconds(3))
        let second = try await queueState(api, event.id)
        let achieved = Double(second.cursor - first.cursor) * 60_000 / Double(max(1, second.tickedAtMs - first.tickedAtMs))
        let capped = second.cursor >= visitors
        // Later arrivals, one at a time: first in, first out.
        var late: [(arrival: Int, position: Int)] = []
        for arrival in 0 ..< Self.lateArrivals {
            let answer = try await api.send(api.request(.POST, "/api/events/\(event.id)/queue"))
            if let position = answer.json["position"] as? Int { late.append((arrival, position)) }
        }
        let lateTau = Self.kendallTau(late)
        if late.count < Self.lateArrivals || lateTau != 1 {
            report.violations.append("later arrivals did not keep their order: τ \(lateTau) over \(late.count) of \(Self.lateArrivals)")
        }
        // Fairness: arrival order against position, for a sample read by many clients at once.
        let sample = Array(stride(from: 0, to: visitors, by: max(1, visitors / Self.fairnessSample)))
        let read = Atomic(0)
        let placed = Mutex([(arrival: Int, position: Int)]())
        var readOptions = options
        readOptions.clients = min(options.clients, 64)
        readOptions.maxRequests = sample.count
        readOptions.duration = .seconds(600)
        _ = try await LoadDriver(options: readOptions).run { _ in
            let index = read.add(1, ordering: .relaxed).oldValue
            guard index < sample.count else { return nil }
            var request = LoadRequest(.GET, "/api/events/\(event.id)/queue/me", headers: Self.bearer(joined[sample[index]]))
            request.keepsBody = true
            return .init(request: request, tag: sample[index])
        } answered: { _, visitor, answer in
            guard let position = Self.object(answer?.body)?["position"] as? Int else { return }
            placed.withLock { $0.append((visitor, position)) }
        }
        let positions = placed.withLock { $0 }
        let tau = Self.kendallTau(positions)
        // Holds: admitted visitors with their passes, and every way around the pass (once everyone is in, or a minute).
        let patience = ContinuousClock.now + .seconds(60)
        while try await queueState(api, event.id).cursor < visitors, ContinuousClock.now < patience { try await Task.sleep(for: .milliseconds(200)) }
        for channel in channels { try? await LoadWatcher.close(channel).get() }
        func ms(_ percentile: Double) -> String {
            counts.visibleMilliseconds(atPercentile: percentile).map { String(format: "%.0f", $0) } ?? "none seen"
        }
        var held = 0
        var bypassed = 0
        var attempts = 0
        for holder in 0 ..< min(Self.holders, visitors) {
            let token = joined[holder]
            let place = try await api.send(api.request(.GET, "/api/events/\(event.id)/queue/me", headers: Self.bearer(token)))
            guard let pass = place.json["pass"] as? String else { continue }
            let seat = event.firstSeat + holder
            let mine = try await api.send(api.request(.POST, "/api/book/safe", json: #"{"seat_id": \#(seat)}"#, headers: Self.bearer(token) + [("Queue-Pass", pass)]))
            if mine.status == 200 { held += 1 }
            let other = joined[(holder + 1) % visitors]
            for headers in [Self.bearer(other), Self.bearer(other) + [("Queue-Pass", pass)], Self.bearer(token) + [("Queue-Pass", pass + "x")]] {
                attempts += 1
                let attempt = try await api.send(api.request(.POST, "/api/book/safe", json: #"{"seat_id": \#(seat + 500)}"#, headers: headers))
                if attempt.status != 403 { bypassed += 1 }
            }
        }
        report.facts = [
            ("visitors", "\(visitors) joined the pre-queue, \(Int(Double(visitors) / stats.seconds)) joins/s"),
            ("admission", "\(Int(achieved)) a minute achieved over 3 s, \(rate) set (\(String(format: "%+.1f", (achieved / Double(rate) - 1) * 100)) %)\(capped ? ", cut short: everyone was in" : "")"),
            ("fairness", "Kendall's τ between arrival and position \(String(format: "%.4f", tau)) over \(positions.count) pre-queue visitors, \(String(format: "%.4f", lateTau)) over \(late.count) later arrivals"),
            ("live", "\(options.watchers) visitors on the queue's topic: the cursor's move seen after p50 \(ms(50)) ms, p99 \(ms(99)) ms, max \(ms(100)) ms (\(min(options.watchers, Self.sampledQueueWatchers)) sampled); \(counts.dropCount) dropped"),
            ("passes", "\(held) admitted visitors held with their pass; \(attempts - bypassed) of \(attempts) holds without a valid pass refused"),
        ]
        if bypassed > 0 { report.violations.append("\(bypassed) holds got past the waiting room without a valid pass") }
        if held == 0 { report.violations.append("no admitted visitor could hold with its pass") }
        let available = try await api.settledCount(of: event.id, expected: event.seats - held) { $0["seats_available"] as? Int }
        if available != event.seats - held { report.violations.append("the server shows \(available ?? -1) seats available, \(event.seats - held) expected: a hold without a pass was stored") }
        return report
    }

    /// The run's event: 1,000 seats on sale from `opening`, behind a waiting room open now, admitting `rate` a minute.
    private func queuedEvent(_ api: LoadAPI, opening: Date, rate: Int) async throws -> CreatedEvent {
        let time = ISO8601DateFormatter()
        let body = #"""
        {"title": "Waiting room", "venue": "Load Test Arena", "starts_at": "2099-01-01T20:00:00Z", "sales_start": "\#(time.string(from: opening))",
         "max_tickets_per_customer": null, "hold_ttl_seconds": 3600, "categories": [{"id": "std", "price_minor": 5000}],
         "seat_map": {"sections": [{"name": "Floor", "rows": [{"rows": "1-10", "seats": "1-100", "category": "std"}]}]},
         "queue": {"opens_at": "\#(time.string(from: Date().addingTimeInterval(-60)))", "admit_per_minute": \#(rate), "pass_minutes": 30}}
        """#
        let (status, json) = try await api.send(api.request(.POST, "/api/events", json: body, headers: [("Authorization", "Bearer \(api.options.organizerToken)")]))
        guard status == 201, let id = json["id"] as? Int, let first = json["first_seat_id"] as? Int else {
            throw LoadError("could not create the queued event (HTTP \(status)): \(json["detail"] ?? json)")
        }
        return CreatedEvent(id: id, firstSeat: first, seats: 1_000, poolID: nil)
    }

    private func queueState(_ api: LoadAPI, _ event: Int) async throws -> (cursor: Int, joined: Int, tickedAtMs: Int) {
        let json = try await api.send(api.request(.GET, "/api/events/\(event)/queue")).json
        return (json["cursor"] as? Int ?? 0, json["joined"] as? Int ?? 0, json["ticked_at_ms"] as? Int ?? 0)
    }

    private static func bearer(_ token: String?) -> [(String, String)] {
        token.map { [("Authorization", "Bearer \($0)")] } ?? []
    }

    private static func object(_ body: ByteBuffer?) -> [String: Any]? {
        guard let body else { return nil }
        return (try? JSONSerialization.jsonObject(with: Data(body.readableBytesView))) as? [String: Any]
    }

    /// Kendall's τ of pairs (arrival, position): 1 when the queue keeps the arrival order, 0 when it is unrelated to it.
    static func kendallTau(_ pairs: [(arrival: Int, position: Int)]) -> Double {
        guard pairs.count > 1 else { return 0 }
        var concordant = 0
        var discordant = 0
        for i in 0 ..< pairs.count {
            for j in i + 1 ..< pairs.count {
                let product = (pairs[i].arrival - pairs[j].arrival).signum() * (pairs[i].position - pairs[j].position).signum()
                if product > 0 { concordant += 1 } else if product < 0 { discordant += 1 }
            }
        }
        return Double(concordant - discordant) / Double(pairs.count * (pairs.count - 1) / 2)
    }
}
