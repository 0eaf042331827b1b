import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1
import Synchronization

/// The load scenarios of `boxoffice loadtest`.
public enum LoadScenario: String, CaseIterable, Sendable {
    /// The seed's test: N concurrent requests for one seat; exactly one may win.
    case attack
    /// C clients holding random seats of a large event until it is sold out or time is up.
    case flashSale = "flash-sale"
    /// Every client on the same few seats: exactly one winner per seat.
    case hotSeat = "hot-seat"
    /// Every client buying 1–4 tickets of one GA pool until it is sold out.
    case gaRush = "ga-rush"
    /// Seat map reads with ETag revalidation while holds happen.
    case seatMap = "seat-map"
    /// A flash sale without subscribers, then one with `--watchers` WebSocket subscribers on its seat map.
    case watchers
    /// Clients hold seats and pay for them from funded wallets, through the payment service and back.
    case payFlow = "pay-flow"
    /// Buyers of 1–4 seats let the engine choose the best available until the hall is sold out.
    case bestAvailable = "best-available"
    /// Visitors join a waiting room's pre-queue, are let in at the set rate, and hold with their passes.
    case waitingRoom = "waiting-room"
    /// An event's doors: gates scan its confirmed tickets at once (some twice, some revoked, some forged).
    case checkin

    /// Runs the scenario against a server and checks the invariants from its API afterwards.
    public func run(_ options: LoadOptions) async throws -> LoadReport {
        var configuration = HTTPClient.Configuration()
        configuration.connectionPool = .init(idleTimeout: .seconds(60), concurrentHTTP1ConnectionsPerHostSoftLimit: max(options.clients, 1))
        let client = HTTPClient(eventLoopGroupProvider: .singleton, configuration: configuration)
        do {
            let report = try await run(options, api: LoadAPI(client: client, options: options))
            try await client.shutdown()
            return report
        } catch {
            try? await client.shutdown()
            throw error
        }
    }

    private func run(_ options: LoadOptions, api: LoadAPI) async throws -> LoadReport {
        var options = options
        if options.withTokens, self != .payFlow, self != .waitingRoom {
            for _ in 0 ..< options.clients { options.tokens.append(try await api.guestToken()) }
        }
        return switch self {
        case .attack: try await attack(options, api: api)
        case .flashSale where options.queued: try await queuedFlashSale(options, api: api)
        case .flashSale: try await seats(options, api: api, size: options.size ?? 100_000, perRow: 250, untilSoldOut: true)
        case .hotSeat: try await seats(options, api: api, size: options.size ?? 10, perRow: 10, untilSoldOut: false)
        case .gaRush: try await gaRush(options, api: api)
        case .seatMap: try await seatMap(options, api: api)
        case .watchers: try await watchers(options, api: api)
        case .payFlow: try await payFlow(options, api: api)
        case .bestAvailable: try await bestAvailable(options, api: api)
        case .waitingRoom: try await waitingRoom(options, api: api)
        case .checkin: try await checkin(options, api: api)
        }
    }

    /// The seed's one-seat hold: anonymous (the server makes a guest for each), or with the worker's own token (and its
    /// admission pass, behind a waiting room).
    private func hold(seat: Int, worker: Int, options: LoadOptions) -> LoadRequest {
        guard worker < options.tokens.count else { return LoadRequest(.POST, "/api/book/safe", json: #"{"seat_id": \#(seat)}"#) }
        var headers = [("Authorization", "Bearer \(options.tokens[worker])")]
        if worker < options.passes.count { headers.append(("Queue-Pass", options.passes[worker])) }
        return LoadRequest(.POST, "/api/book/safe", json: #"{"seat_id": \#(seat)}"#, headers: headers)
    }

    /// flash-sale --queued: the same sale behind a waiting room letting everyone in at once; every client joins with its
    /// token, reads its pass once the cursor passed it, and holds with it.
    private func queuedFlashSale(_ options: LoadOptions, api: LoadAPI) async throws -> LoadReport {
        let event = try await seatEvent(api, size: options.size ?? 100_000, perRow: 250)
        let organizer = [("Authorization", "Bearer \(options.organizerToken)")]
        let queue = #"{"enabled": true, "admit_per_minute": 1000000, "pass_minutes": 240}"#
        let (status, answer) = try await api.send(api.request(.PUT, "/api/events/\(event.id)/queue", json: queue, headers: organizer))
        guard status == 200 else { throw LoadError("could not put the sale behind a waiting room (HTTP \(status)): \(answer)") }
        var options = options
        for token in options.tokens {
            let (joined, place) = try await api.send(api.request(.POST, "/api/events/\(event.id)/queue", headers: [("Authorization", "Bearer \(token)")]))
            guard joined == 200 else { throw LoadError("a client could not join the waiting room (HTTP \(joined)): \(place)") }
        }
        let patience = ContinuousClock.now + .seconds(30)
        for token in options.tokens {
            while true {
                let (_, place) = try await api.send(api.request(.GET, "/api/events/\(event.id)/queue/me", headers: [("Authorization", "Bearer \(token)")]))
                if let pass = place["pass"] as? String {
                    options.passes.append(pass)
                    break
                }
                guard ContinuousClock.now < patience else { throw LoadError("a client was not let in within 30 s: \(place)") }
                try await Task.sleep(for: .milliseconds(200))
            }
        }
        var report = try await seats(options, api: api, event: event, untilSoldOut: true)
        report.facts.append(("queue", "behind a waiting room: \(options.passes.count) clients let in, every hold with its pass"))
        return report
    }

    private func attack(_ options: LoadOptions, api: LoadAPI) async throws -> LoadReport {
        let attackers = options.size ?? 50
        let event = try await api.createEvent(title: "Attack", rows: 1, perRow: 10)
        var bounded = options
        bounded.clients = attackers
        bounded.maxRequests = attackers
        let fired = Mutex(Set<Int>())
        let stats = try await LoadDriver(options: bounded).run { worker in
            guard fired.withLock({ $0.insert(worker).inserted }) else { return nil }
            return .init(request: hold(seat: event.firstSeat + 4, worker: worker, options: options), tag: 0)
        }
        var report = LoadReport(scenario: rawValue, stats: stats)
        if stats.successes != 1 { report.violations.append("\(stats.successes) requests won the one seat") }
        if stats.conflicts != attackers - 1 { report.violations.append("\(stats.conflicts) conflicts, expected \(attackers - 1)") }
        let available = try await api.settledCount(of: event.id, expected: event.seats - 1) { $0["seats_available"] as? Int }
        if available != event.seats - 1 { report.violations.append("the server shows \(available ?? -1) seats available, expected \(event.seats - 1)") }
        return report
    }

    /// How many times a flash-sale client draws a seat at random before it settles for one it knows is sold.
    /// A buyer picks from the seats the live map shows free, so a client skips the seats won so far; the
    /// conflicts left are races for the same free seat, and picks near the end of a sale.
    static let seatDraws = 32

    /// flash-sale and hot-seat: clients hold random seats; flash-sale clients skip seats already won and stop
    /// when all are sold, hot-seat clients keep fighting over the same few until the run ends.
    private func seats(_ options: LoadOptions, api: LoadAPI, size: Int, perRow: Int, untilSoldOut: Bool) async throws -> LoadReport {
        try await seats(options, api: api, event: try await seatEvent(api, size: size, perRow: perRow), untilSoldOut: untilSoldOut)
    }

    /// An event of `size` seats in rows of `perRow`.
    func seatEvent(_ api: LoadAPI, size: Int, perRow: Int) async throws -> CreatedEvent {
        let rows = max(1, (size + perRow - 1) / perRow)
        return try await api.createEvent(title: rawValue, rows: rows, perRow: min(perRow, size))
    }

    /// Holds random seats of an event; `held` hears of each seat (by index) as its hold is answered.
    func seats(
        _ options: LoadOptions, api: LoadAPI, event: CreatedEvent, untilSoldOut: Bool, held: @escaping @Sendable (Int) -> Void = { _ in }
    ) async throws -> LoadReport {
        let tally = Tally(size: event.seats)
        let stats = try await LoadDriver(options: options).run { worker in
            guard !untilSoldOut || tally.sum < event.seats else { return nil }
            var seat = Int.random(in: 0 ..< event.seats)
            if untilSoldOut {
                for _ in 1 ..< Self.seatDraws where tally.taken(seat) { seat = Int.random(in: 0 ..< event.seats) }
            }
            return .init(request: hold(seat: event.firstSeat + seat, worker: worker, options: options), tag: seat)
        } answered: { _, seat, answer in
            if answer?.status == 200 {
                tally.record(seat)
                held(seat)
            }
        }
        var report = LoadReport(scenario: rawValue, stats: stats, facts: [("seats", "\(event.seats), \(tally.sum) held")])
        let doubles = tally.doubles
        if !doubles.isEmpty { report.violations.append("\(doubles.count) seats were won twice") }
        let available = try await api.settledCount(of: event.id, expected: event.seats - tally.sum) { $0["seats_available"] as? Int }
        if available != event.seats - tally.sum {
            report.violations.append("the server shows \(available ?? -1) seats available, \(event.seats - tally.sum) expected from the answers")
        }
        return report
    }

    private func gaRush(_ options: LoadOptions, api: LoadAPI) async throws -> LoadReport {
        let capacity = options.size ?? 100_000
        let event = try await api.createEvent(title: rawValue, rows: 0, perRow: 0, pool: capacity)
        let pool = event.poolID ?? 0
        let sold = Atomic<Int>(0)
        let stats = try await LoadDriver(options: options).run { worker in
            guard sold.load(ordering: .relaxed) < capacity else { return nil }
            let quantity = Int.random(in: 1 ... 4)
            let body = #"{"event_id": \#(event.id), "ga": [{"pool_id": \#(pool), "quantity": \#(quantity)}], "user_identifier": "load-\#(worker)"}"#
            return .init(request: LoadRequest(.POST, "/api/bookings", json: body), tag: quantity)
        } answered: { _, quantity, answer in
            if answer?.status == 201 { sold.add(quantity, ordering: .relaxed) }
        }
        let tickets = sold.load(ordering: .relaxed)
        var report = LoadReport(scenario: rawValue, stats: stats, facts: [("tickets", "\(tickets) of \(capacity) sold, \(Int(Double(tickets) / stats.seconds)) tickets/s")])
        if tickets > capacity { report.violations.append("\(tickets) tickets sold from a pool of \(capacity)") }
        let available = try await api.settledCount(of: event.id, expected: capacity - tickets) {
            ($0["ga_pools"] as? [[String: Any]])?.first?["available"] as? Int
        }
        if available != capacity - tickets { report.violations.append("the server shows \(available ?? -1) available, \(capacity - tickets) expected") }
        return report
    }

    private func seatMap(_ options: LoadOptions, api: LoadAPI) async throws -> LoadReport {
        let size = options.size ?? 20_000
        let event = try await api.createEvent(title: rawValue, rows: max(1, size / 40), perRow: 40)
        let etags = Mutex([String?](repeating: nil, count: options.clients))
        let notModified = Atomic<Int>(0)
        let tally = Tally(size: event.seats)
        let stats = try await LoadDriver(options: options).run { worker in
            if options.holdEvery > 0, worker % options.holdEvery == 0 {
                let seat = Int.random(in: 0 ..< event.seats)
                return .init(request: hold(seat: event.firstSeat + seat, worker: worker, options: options), tag: seat)
            }
            // Like the web app, each reader names itself with the boxoffice_client cookie: a gateway sends its reads
            // to one instance, whose ETags it then revalidates.
            var headers = [("Cookie", "boxoffice_client=load-\(worker)")]
            if let etag = etags.withLock({ $0[worker] }) { headers.append(("If-None-Match", etag)) }
            return .init(request: LoadRequest(.GET, "/api/events/\(event.id)/seats", headers: headers), tag: -1)
        } answered: { worker, tag, answer in
            if tag >= 0 {
                if answer?.status == 200 { tally.record(tag) }
            } else if answer?.status == 304 {
                notModified.add(1, ordering: .relaxed)
            } else if let etag = answer?.headers.first(name: "ETag") {
                etags.withLock { $0[worker] = etag }
            }
        }
        let full = try await api.client.execute(api.request(.GET, "/api/events/\(event.id)/seats"), timeout: .seconds(30))
        let bytes = try await full.body.collect(upTo: 64 * 1024 * 1024).readableBytes
        let revalidations = notModified.load(ordering: .relaxed)
        var report = LoadReport(scenario: rawValue, stats: stats, facts: [
            ("revalidated", "\(revalidations) × 304, \(Int(Double(revalidations) / stats.seconds))/s"),
            ("full map", "\(bytes) bytes for \(event.seats) seats"),
        ])
        let available = try await api.settledCount(of: event.id, expected: event.seats - tally.sum) { $0["seats_available"] as? Int }
        if available != event.seats - tally.sum { report.violations.append("the server shows \(available ?? -1) seats available, \(event.seats - tally.sum) expected") }
        if !tally.doubles.isEmpty { report.violations.append("\(tally.doubles.count) seats were won twice") }
        return report
    }
}
