import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1
import Synchronization

extension LoadScenario {
    /// One scan of the door's run: which ticket, with which secret, at which gate, and what it must get.
    private struct Scan: Sendable {
        enum Kind: Sendable {
            /// A valid ticket's secret: admitted once, already checked in after that.
            case valid
            /// A ticket's old secret after it was given a new one: revoked.
            case revoked
            /// A genuine secret with a byte of its signature changed: invalid.
            case forged
        }

        let ticket: Int
        let secret: String
        let gate: Int
        let kind: Kind
    }

    /// Tickets per booking the door's run buys.
    static let ticketsPerBooking = 10

    /// checkin: an event with `size` (default 50,000) confirmed tickets, bought and paid for through the API; then
    /// `--gates` (default 20) gates scan them concurrently: every ticket once, 2 % a second time at another gate, 1 %
    /// with their old secret after a new one was issued, and 1 % forged. Counts check-ins a second and their latency,
    /// and checks from the database (the door's counts and offline list) that each ticket was admitted exactly once
    /// and nothing revoked or forged was.
    func checkin(_ options: LoadOptions, api: LoadAPI) async throws -> LoadReport {
        let size = options.size ?? 50_000
        let event = try await api.createEvent(title: "Door run \(Int(Date().timeIntervalSince1970))", rows: 0, perRow: 0, pool: size, maxTickets: Self.ticketsPerBooking)
        guard let pool = event.poolID else { throw LoadError("the door's event has no pool") }
        LoadProgress.say("buying \(size) tickets in \((size + Self.ticketsPerBooking - 1) / Self.ticketsPerBooking) bookings…")
        let secrets = try await buyTickets(size, event: event.id, pool: pool, options: options, api: api)
        guard secrets.count == size else { throw LoadError("bought \(secrets.count) tickets of \(size)") }

        // 1 % of the tickets get a new secret: their old one is what the gates see.
        let organizer = [("Authorization", "Bearer \(options.organizerToken)")]
        let revoked = Array(0 ..< size).shuffled().prefix(size / 100)
        LoadProgress.say("issuing new secrets for \(revoked.count) tickets…")
        for ticket in revoked {
            let (status, _) = try await api.send(api.request(.POST, "/api/tickets/\(secrets[ticket].id)/reissue", headers: organizer))
            guard status == 200 else { throw LoadError("could not reissue ticket \(secrets[ticket].id) (HTTP \(status))") }
        }
        let plan = Self.doorPlan(secrets: secrets.map(\.secret), revoked: Set(revoked), gates: options.gates)
        let perGate = Dictionary(grouping: plan.indices, by: { plan[$0].gate })
        let nextOfGate = Mutex([Int](repeating: 0, count: options.gates))
        let admitted = Mutex([Int](repeating: 0, count: size))
        let results = Mutex([String: Int]())
        let wrong = Mutex([String]())
        LoadProgress.say("scanning: \(plan.count) scans at \(options.gates) gates…")
        // The plan bounds the run: every scan of it may be sent (--requests no fewer), within --duration, at least two
        // minutes; scans left unsent are reported as such.
        var doorOptions = options
        doorOptions.clients = options.gates
        doorOptions.maxRequests = max(options.maxRequests, plan.count)
        doorOptions.duration = max(options.duration, .seconds(120))
        let stats = try await LoadDriver(options: doorOptions).run { gate in
            let index: Int? = nextOfGate.withLock { next in
                guard let scans = perGate[gate], next[gate] < scans.count else { return nil }
                defer { next[gate] += 1 }
                return scans[next[gate]]
            }
            guard let index else { return nil }
            let scan = plan[index]
            var request = LoadRequest(
                .POST, "/api/events/\(event.id)/checkins",
                json: #"{"secret": "\#(scan.secret)", "nonce": "\#(index)", "gate": "gate-\#(scan.gate)"}"#, headers: organizer
            )
            request.keepsBody = true
            return .init(request: request, tag: index)
        } answered: { _, index, answer in
            guard let answer, answer.status == 200, let body = answer.body,
                let json = try? JSONSerialization.jsonObject(with: Data(body.readableBytesView)) as? [String: Any], let result = json["result"] as? String
            else { return }
            results.withLock { $0[result, default: 0] += 1 }
            let scan = plan[index]
            switch (scan.kind, result) {
            case (.valid, "admitted"): admitted.withLock { $0[scan.ticket] += 1 }
            case (.valid, "already_checked_in"), (.revoked, "revoked"), (.forged, "invalid"): break
            default: wrong.withLock { $0.append("ticket \(scan.ticket) (\(scan.kind)) got \(result)") }
            }
        }
        let counts = admitted.withLock { $0 }
        let scanned = Set(plan.filter { $0.kind == .valid }.map(\.ticket))
        let admittedTickets = counts.enumerated().filter { $0.element > 0 }.map(\.offset)
        let checkins = stats.successes
        var report = LoadReport(scenario: rawValue, stats: stats, facts: [
            ("tickets", "\(size) (\(revoked.count) given new secrets, their old ones scanned), \(plan.count) scans at \(options.gates) gates"),
            ("results", results.withLock { $0 }.sorted { $0.key < $1.key }.map { "\($0.value) \($0.key)" }.joined(separator: ", ")),
            ("check-ins/s", "\(Int(Double(checkins) / stats.seconds))"),
        ])
        if stats.errors > 0 { report.violations.append("\(stats.errors) scans got no answer or an error") }
        let unsent = plan.count - stats.requests
        if unsent > 0 { report.violations.append("\(unsent) scans of the plan were not sent in time (raise --duration)") }
        report.violations += wrong.withLock { Array($0.prefix(5)) }
        let twice = counts.filter { $0 > 1 }.count
        if twice > 0 { report.violations.append("\(twice) tickets admitted more than once") }
        let never = scanned.filter { counts[$0] == 0 }.count
        if never > 0, stats.errors == 0, unsent == 0 { report.violations.append("\(never) valid tickets were never admitted") }

        // The database's word: the door's counts and the list of tickets checked in.
        let (countStatus, door) = try await api.send(api.request(.GET, "/api/events/\(event.id)/checkins", headers: organizer), timeout: .seconds(30))
        let (listStatus, offline) = try await api.send(api.request(.GET, "/api/events/\(event.id)/checkins/offline", headers: organizer), timeout: .seconds(30))
        guard countStatus == 200, listStatus == 200 else { throw LoadError("could not read the door's counts back (HTTP \(countStatus), \(listStatus))") }
        let recorded = Set(offline["checked_in"] as? [String] ?? [])
        let expected = Set(admittedTickets.map { secrets[$0].id })
        report.facts.append(("database", "\(door["checked_in"] ?? "?") checked in of \(door["expected"] ?? "?") expected; \(recorded.count) in the offline list"))
        if door["checked_in"] as? Int != recorded.count { report.violations.append("the counts say \(door["checked_in"] ?? "?") checked in, the list has \(recorded.count)") }
        if stats.errors == 0, unsent == 0, recorded != expected {
            report.violations.append("the database recorded \(recorded.subtracting(expected).count) check-ins nobody was told of and lost \(expected.subtracting(recorded).count)")
        }
        if door["expected"] as? Int != size { report.violations.append("the door expects \(door["expected"] ?? "?") tickets, \(size) were sold") }
        return report
    }

    /// Every ticket's scan at a random gate, 2 % again at another gate, 1 % forged; revoked tickets' old secrets
    /// instead of their valid scans; in random order.
    private static func doorPlan(secrets: [String], revoked: Set<Int>, gates: Int) -> [Scan] {
        var plan: [Scan] = []
        plan.reserveCapacity(secrets.count * 104 / 100)
        for (ticket, secret) in secrets.enumerated() {
            let gate = Int.random(in: 0 ..< gates)
            if revoked.contains(ticket) {
                plan.append(Scan(ticket: ticket, secret: secret, gate: gate, kind: .revoked))
                continue
            }
            plan.append(Scan(ticket: ticket, secret: secret, gate: gate, kind: .valid))
            if ticket % 50 == 1 { plan.append(Scan(ticket: ticket, secret: secret, gate: (gate + Int.random(in: 1 ..< max(2, gates))) % gates, kind: .valid)) }
            if ticket % 100 == 2 {
                var forged = Array(secret.utf8)
                let last = forged.count - 5
                forged[last] = forged[last] == UInt8(ascii: "A") ? UInt8(ascii: "B") : UInt8(ascii: "A")
                plan.append(Scan(ticket: ticket, secret: String(decoding: forged, as: UTF8.self), gate: Int.random(in: 0 ..< gates), kind: .forged))
            }
        }
        return plan.shuffled()
    }

    /// Buys `count` tickets of a pool in bookings of ``ticketsPerBooking``, each held, paid from a funded wallet and its
    /// tickets read, by 32 buyers at once; returns every ticket's id and secret.
    private func buyTickets(_ count: Int, event: Int, pool: Int, options: LoadOptions, api: LoadAPI) async throws -> [(id: String, secret: String)] {
        let buyers = 32
        var tokens: [String] = []
        for _ in 0 ..< buyers {
            let token = try await api.guestToken()
            _ = try await api.fundedWallet(token: token, balance: Self.payFlowFunds)
            tokens.append(token)
        }
        let bookings = (count + Self.ticketsPerBooking - 1) / Self.ticketsPerBooking
        let buyerTokens = tokens
        let shared = DoorPurchases()
        try await withThrowingTaskGroup(of: Void.self) { group in
            for buyer in 0 ..< buyers {
                let headers = [("Authorization", "Bearer \(buyerTokens[buyer])")]
                group.addTask {
                    while true {
                        let number = shared.started.add(1, ordering: .relaxed).oldValue
                        guard number < bookings else { return }
                        let quantity = min(Self.ticketsPerBooking, count - number * Self.ticketsPerBooking)
                        let (held, booking) = try await api.send(api.request(
                            .POST, "/api/bookings", json: #"{"event_id": \#(event), "ga": [{"pool_id": \#(pool), "quantity": \#(quantity)}]}"#, headers: headers
                        ))
                        guard held == 201, let id = booking["id"] as? String else {
                            shared.failures.withLock { $0.append("hold: HTTP \(held) \(booking["detail"] ?? "")") }
                            return
                        }
                        let (paid, payment) = try await api.send(api.request(.POST, "/api/bookings/\(id)/pay", headers: headers))
                        guard paid == 200, payment["status"] as? String == "confirmed" else {
                            shared.failures.withLock { $0.append("pay: HTTP \(paid) \(payment["status"] ?? payment["detail"] ?? "")") }
                            return
                        }
                        let response = try await api.client.execute(api.request(.GET, "/api/bookings/\(id)/tickets", headers: headers), timeout: .seconds(60))
                        let body = try await response.body.collect(upTo: 1024 * 1024)
                        let tickets = (try? JSONSerialization.jsonObject(with: Data(body.readableBytesView))) as? [[String: Any]] ?? []
                        let found = tickets.compactMap { ticket in (ticket["id"] as? String).flatMap { id in (ticket["secret"] as? String).map { (id, $0) } } }
                        shared.bought.withLock { $0 += found }
                        if number % 500 == 0 { LoadProgress.say("  \(number * Self.ticketsPerBooking) of \(count) tickets bought") }
                    }
                }
            }
            try await group.waitForAll()
        }
        if let failure = shared.failures.withLock({ $0.first }) { throw LoadError("could not buy the door's tickets: \(failure)") }
        return shared.bought.withLock { $0 }
    }
}

/// What the door's buyers share: the next booking to buy, the tickets bought, what went wrong.
private final class DoorPurchases: Sendable {
    let started = Atomic<Int>(0)
    let bought = Mutex([(id: String, secret: String)]())
    let failures = Mutex([String]())
}

/// Says what a long load run is doing, on standard error (the report goes to standard output).
enum LoadProgress {
    static func say(_ line: String) {
        FileHandle.standardError.write(Data((line + "\n").utf8))
    }
}
