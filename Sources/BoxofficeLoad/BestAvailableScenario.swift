import Foundation
import NIOCore
import NIOHTTP1
import Synchronization

/// `loadtest best-available`: buyers let the engine choose until the hall is sold out.
///
/// Each buyer asks for 1–4 seats (a realistic mix: mostly pairs) side by side; one refused for want of a group asks
/// again once, allowing the seats to be split, as a buyer would. Once even that is refused, buyers ask for single
/// seats until none is left.
extension LoadScenario {
    /// The share of buyers asking for 1, 2, 3 and 4 seats, in tenths.
    static let groupMix = [1, 1, 2, 2, 2, 2, 2, 3, 4, 4]
    /// How many seats a row of the scenario's hall has.
    static let bestAvailableRow = 250

    func bestAvailable(_ options: LoadOptions, api: LoadAPI) async throws -> LoadReport {
        let event = try await seatEvent(api, size: options.size ?? 100_000, perRow: Self.bestAvailableRow)
        let perRow = min(Self.bestAvailableRow, event.seats)
        let tally = Tally(size: event.seats)
        let split = Mutex([Int: Int]())
        let singlesOnly = Atomic(false)
        let soldOut = Atomic(false)
        let counts = BestAvailableCounts()
        let stats = try await LoadDriver(options: options).run { worker in
            guard !soldOut.load(ordering: .relaxed), tally.sum < event.seats else { return nil }
            let retry = split.withLock { $0.removeValue(forKey: worker) }
            let quantity = singlesOnly.load(ordering: .relaxed) ? 1 : retry ?? Self.groupMix.randomElement()!
            let together = retry == nil && quantity > 1
            let body = #"{"event_id": \#(event.id), "best_available": {"quantity": \#(quantity), "together": \#(together)}}"#
            var request = LoadRequest(.POST, "/api/bookings", json: body, headers: authorization(worker, options))
            request.keepsBody = true
            return .init(request: request, tag: quantity * (together ? 1 : -1))
        } answered: { worker, tag, answer in
            let quantity = abs(tag)
            guard let answer else { return }
            switch answer.status {
            case 201:
                let seats = BestAvailableCounts.seatIDs(in: answer.body).map { $0 - event.firstSeat }
                for seat in seats where seat >= 0 && seat < event.seats { tally.record(seat) }
                counts.record(seats, asked: quantity, together: tag > 0, sold: tally.sum, of: event.seats, perRow: perRow)
            case 409 where !BestAvailableCounts.isShortage(answer.body):
                counts.refusedOtherwise.add(1, ordering: .relaxed)
            case 409 where tag > 0:
                split.withLock { $0[worker] = quantity }
            case 409:
                // Fewer seats are left than this buyer wants, even apart; in-flight holds may explain it only at the end.
                if tally.sum < event.seats - 4 * options.clients { counts.refusedWhileFree.add(1, ordering: .relaxed) }
                if quantity > 1 { singlesOnly.store(true, ordering: .relaxed) } else { soldOut.store(true, ordering: .relaxed) }
            default:
                break
            }
        }
        let map = try await api.send(api.request(.GET, "/api/events/\(event.id)/seats"), timeout: .seconds(30)).json
        let (free, orphans) = BestAvailableCounts.freeSeats(in: map)
        let sold = tally.sum
        var report = LoadReport(scenario: rawValue, stats: stats, facts: [
            ("seats", "\(event.seats), \(sold) held by best available (\(percent(sold, event.seats))), \(Int(Double(sold) / stats.seconds)) seats/s"),
            ("together", "\(percent(counts.togetherEarly.load(ordering: .relaxed), counts.multiEarly.load(ordering: .relaxed))) of multi-seat buyers seated side by side while ≤ 90 % was sold"),
            ("left", "\(free) seats free at the end, \(orphans) of them alone (\(percent(orphans, event.seats)) of the hall)"),
        ])
        if !tally.doubles.isEmpty { report.violations.append("\(tally.doubles.count) seats were given twice") }
        let apart = counts.notTogether.load(ordering: .relaxed)
        if apart > 0 { report.violations.append("\(apart) bookings said together were not side by side in one row") }
        let refused = counts.refusedWhileFree.load(ordering: .relaxed)
        if refused > 0 { report.violations.append("\(refused) buyers were refused while seats remained") }
        let otherwise = counts.refusedOtherwise.load(ordering: .relaxed)
        if otherwise > 0 { report.violations.append("\(otherwise) buyers were refused with a 409 other than not-enough-seats") }
        let available = try await api.settledCount(of: event.id, expected: event.seats - sold) { $0["seats_available"] as? Int }
        if available != event.seats - sold { report.violations.append("the server shows \(available ?? -1) seats available, \(event.seats - sold) expected") }
        return report
    }

    private func authorization(_ worker: Int, _ options: LoadOptions) -> [(String, String)] {
        worker < options.tokens.count ? [("Authorization", "Bearer \(options.tokens[worker])")] : []
    }

    private func percent(_ part: Int, _ whole: Int) -> String {
        whole == 0 ? "–" : String(format: "%.1f %%", Double(part) * 100 / Double(whole))
    }
}

/// What a best-available run counts beyond statuses.
final class BestAvailableCounts: Sendable {
    /// Multi-seat buyers answered while at most 90 % of the hall was sold, and those of them seated side by side.
    let multiEarly = Atomic(0)
    let togetherEarly = Atomic(0)
    /// Bookings answered `together: true` whose seats are not side by side in one row.
    let notTogether = Atomic(0)
    /// Buyers refused for want of seats while many remained.
    let refusedWhileFree = Atomic(0)
    /// Buyers refused with a conflict other than a shortage of seats.
    let refusedOtherwise = Atomic(0)

    /// Whether a refusal's body is best available's `not-enough-seats`.
    static func isShortage(_ body: ByteBuffer?) -> Bool {
        guard let body else { return false }
        return body.getString(at: body.readerIndex, length: body.readableBytes)?.contains("/not-enough-seats") ?? false
    }

    func record(_ seats: [Int], asked: Int, together wanted: Bool, sold: Int, of total: Int, perRow: Int) {
        let sorted = seats.sorted()
        let adjacent = !sorted.isEmpty && sorted.first! / perRow == sorted.last! / perRow && zip(sorted, sorted.dropFirst()).allSatisfy { $1 == $0 + 1 }
        if wanted, !adjacent { notTogether.add(1, ordering: .relaxed) }
        guard asked > 1, sold * 10 <= total * 9 else { return }
        multiEarly.add(1, ordering: .relaxed)
        if adjacent { togetherEarly.add(1, ordering: .relaxed) }
    }

    /// The numbers in the answer's `"seat_ids":[…]`, read without parsing the whole JSON.
    static func seatIDs(in body: ByteBuffer?) -> [Int] {
        guard let body, let text = body.getString(at: body.readerIndex, length: body.readableBytes),
            let start = text.range(of: #""seat_ids":["#), let end = text[start.upperBound...].firstIndex(of: "]")
        else { return [] }
        return text[start.upperBound ..< end].split(separator: ",").compactMap { Int($0) }
    }

    /// The free seats of a seat map answer, and how many of them are alone in their row (orphans).
    static func freeSeats(in map: [String: Any]) -> (free: Int, orphans: Int) {
        var free = 0
        var orphans = 0
        for section in map["sections"] as? [[String: Any]] ?? [] {
            for row in section["rows"] as? [[String: Any]] ?? [] {
                let status = Array((row["status"] as? String ?? "").utf8)
                for (index, seat) in status.enumerated() where seat == UInt8(ascii: "a") {
                    free += 1
                    let left = index > 0 && status[index - 1] == UInt8(ascii: "a")
                    let right = index + 1 < status.count && status[index + 1] == UInt8(ascii: "a")
                    if !left, !right { orphans += 1 }
                }
            }
        }
        return (free, orphans)
    }
}
