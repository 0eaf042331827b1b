import Foundation
import Histogram
import NIOCore
import NIOHTTP1
import Synchronization

extension LoadScenario {
    /// What one pay-flow client is doing.
    private enum Payer: Sendable {
        /// About to hold a seat (or buy one).
        case holding
        /// Buying a seat in one request, since `started`.
        case buying(started: NIODeadline)
        /// Paying a held booking, since `started`.
        case paying(String, started: NIODeadline)
        /// The payment took longer than `pay` waits: reading the booking until it is settled.
        case waiting(String, started: NIODeadline)
    }

    /// The wallet balance each pay-flow client starts with: far more than it can spend in a run.
    static let payFlowFunds: Int64 = 1_000_000_000

    /// pay-flow: every client holds a seat and pays for it from its own funded wallet, again and again, through the
    /// real path (booking outbox → transport → payment service → transport → booking confirmed); reports confirmed
    /// bookings a second and how long each took from the `pay` request to `confirmed`. With ``LoadOptions/buyNow`` each
    /// client buys in one request (`"pay": true`), timed from that request to `confirmed`.
    func payFlow(_ options: LoadOptions, api: LoadAPI) async throws -> LoadReport {
        let event = try await seatEvent(api, size: options.size ?? 100_000, perRow: 250)
        var tokens: [String] = []
        var accounts: [String] = []
        for _ in 0 ..< options.clients {
            let token = try await api.guestToken()
            tokens.append(token)
            accounts.append(try await api.fundedWallet(token: token, balance: Self.payFlowFunds))
        }
        let signedIn = tokens.map { [("Authorization", "Bearer \($0)")] }

        let payers = Mutex([Payer](repeating: .holding, count: options.clients))
        let tally = Tally(size: event.seats)
        let confirmed = Atomic<Int>(0)
        let cancelled = Atomic<Int>(0)
        let confirming = Mutex(Histogram<UInt64>(highestTrackableValue: 60_000_000, numberOfSignificantValueDigits: .three))
        @Sendable func settle(_ status: String?, started: NIODeadline) -> Bool {
            switch status {
            case "confirmed":
                confirmed.add(1, ordering: .relaxed)
                let micros = UInt64(max(1, (NIODeadline.now() - started).nanoseconds / 1_000))
                _ = confirming.withLock { $0.record(micros) }
                return true
            case "cancelled", "refunded":
                cancelled.add(1, ordering: .relaxed)
                return true
            default:
                return false
            }
        }
        let stats = try await LoadDriver(options: options).run { worker in
            switch payers.withLock({ $0[worker] }) {
            case .holding, .buying:
                guard tally.sum < event.seats else { return nil }
                var seat = Int.random(in: 0 ..< event.seats)
                for _ in 1 ..< Self.seatDraws where tally.taken(seat) { seat = Int.random(in: 0 ..< event.seats) }
                let pay = options.buyNow ? #", "pay": true"# : ""
                var request = LoadRequest(.POST, "/api/book/safe", json: #"{"seat_id": \#(event.firstSeat + seat)\#(pay)}"#, headers: signedIn[worker])
                request.keepsBody = true
                if options.buyNow { payers.withLock { $0[worker] = .buying(started: .now()) } }
                return .init(request: request, tag: seat)
            case .paying(let booking, _):
                var request = LoadRequest(.POST, "/api/bookings/\(booking)/pay", headers: signedIn[worker])
                request.keepsBody = true
                return .init(request: request, tag: -1)
            case .waiting(let booking, _):
                var request = LoadRequest(.GET, "/api/bookings/\(booking)", headers: signedIn[worker])
                request.keepsBody = true
                return .init(request: request, tag: -1)
            }
        } answered: { worker, seat, answer in
            let body = answer?.body.flatMap { try? JSONSerialization.jsonObject(with: Data($0.readableBytesView)) as? [String: Any] }
            payers.withLock { payers in
                switch payers[worker] {
                case .holding:
                    guard answer?.status == 200, let booking = body?["booking_id"] as? String else { return }
                    tally.record(seat)
                    payers[worker] = .paying(booking, started: .now())
                case .buying(let started):
                    payers[worker] = .holding
                    guard let answer, answer.status == 200 || answer.status == 202, let booking = body?["booking_id"] as? String else { return }
                    tally.record(seat)
                    if !settle(body?["status"] as? String, started: started) { payers[worker] = .waiting(booking, started: started) }
                case .paying(let booking, let started), .waiting(let booking, let started):
                    guard let answer, answer.status == 200 || answer.status == 202 else {
                        payers[worker] = .holding
                        return
                    }
                    payers[worker] = settle(body?["status"] as? String, started: started) ? .holding : .waiting(booking, started: started)
                }
            }
        }
        let confirmations = confirmed.load(ordering: .relaxed)
        let latency = confirming.withLock { $0 }
        func ms(_ percentile: Double) -> String {
            latency.totalCount == 0 ? "none" : String(format: "%.1f", Double(percentile >= 100 ? latency.max : latency.valueAtPercentile(percentile)) / 1_000)
        }
        var report = LoadReport(scenario: rawValue, stats: stats, facts: [
            ("confirmed", "\(confirmations) bookings, \(Int(Double(confirmations) / stats.seconds))/s; \(cancelled.load(ordering: .relaxed)) cancelled"),
            ("pay→conf ms", "p50 \(ms(50))  p90 \(ms(90))  p99 \(ms(99))  max \(ms(100))"),
        ])
        let price = 5_000
        let spent = try await api.walletBalances(Array(zip(accounts, tokens))).reduce(0) { $0 + (Self.payFlowFunds - $1) }
        if spent != Int64(confirmations * price) {
            report.violations.append("the wallets were charged \(spent), \(confirmations) confirmed bookings cost \(confirmations * price)")
        }
        if cancelled.load(ordering: .relaxed) > 0 { report.violations.append("\(cancelled.load(ordering: .relaxed)) payments from funded wallets were cancelled") }
        return report
    }
}
