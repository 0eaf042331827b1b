import BoxofficeDomain
import BoxofficeTestSupport
import BoxofficeWebhooks
import Foundation
import Logging
import Synchronization
import Testing

/// The webhook dispatcher over each backend's store: the same algorithm, the same answers.
@Suite("Webhook deliveries in the store")
struct WebhookStoreTests {
    /// Answers each request as `answer` says, and keeps what it was sent.
    final class Sender: WebhookSender {
        let sent = Mutex<[(url: String, notice: String, body: String)]>([])
        let answer: @Sendable (String) -> Int?

        init(answer: @escaping @Sendable (String) -> Int?) {
            self.answer = answer
        }

        func post(_ body: Data, to url: URL, via address: NetworkAddress?, headers: [(String, String)], timeout: TimeInterval) async -> (status: Int?, detail: String) {
            let notice = headers.first { $0.0 == "Boxoffice-Notice" }?.1 ?? ""
            sent.withLock { $0.append((url.absoluteString, notice, String(decoding: body, as: UTF8.self))) }
            let status = answer(url.absoluteString)
            return (status, status == nil ? "no answer within 1 ms" : "ok")
        }
    }

    struct Facts: NoticeFacts {
        /// Notices whose facts cannot be read (yet).
        var unreadable: Set<UUID> = []

        struct NotYet: Error {}

        func body(of notice: Notice) async throws -> WebhookBody? {
            if unreadable.contains(notice.id) { throw NotYet() }
            return WebhookBody(notice, event: .init(id: notice.eventID.rawValue, title: "Show", venue: "Hall", startsAt: StoreFixture.now, status: "published"))
        }
    }

    struct NoResolver: HostResolver {
        func addresses(of host: String) async -> [NetworkAddress] { [] }
    }

    static let schedule = RetrySchedule(base: 10, cap: 60, window: 100)

    func dispatcher(_ store: any WebhookStore, _ sender: Sender, facts: Facts = Facts()) -> WebhookDispatcher {
        var logger = Logger(label: "test")
        logger.logLevel = .critical
        return WebhookDispatcher(
            store: store, facts: facts, sender: sender, addressGuard: WebhookAddressGuard(resolver: NoResolver(), allowPrivate: true),
            schedule: Self.schedule, timeout: 1, logger: logger
        )
    }

    func endpoint(_ path: String, _ topics: Set<Notice.Topic>, at: Date) -> WebhookEndpoint {
        WebhookEndpoint(id: UUID(), url: "http://127.0.0.1:9/\(path)", topics: topics, secret: "whsec_\(path)", createdBy: "org", createdAt: at)
    }

    @Test("notices fan out to the endpoints that want them, once; one booking's line goes out in order; failures wait, then park; parked ones are re-sent", arguments: TestBackend.all)
    func deliveries(backend: TestBackend) async throws {
        try await StoreFixture.with(backend) { fixture in
            let store = try #require(fixture.store as? any WebhookStore)
            let t0 = StoreFixture.now
            let flaky = endpoint("flaky", [.bookingConfirmed, .bookingRefunded], at: t0)
            let steady = endpoint("steady", [.bookingConfirmed], at: t0)
            try await store.addEndpoint(flaky)
            try await store.addEndpoint(steady)
            #expect(Set(try await store.endpoints().map(\.id)) == [flaky.id, steady.id])
            #expect(try await store.endpoint(flaky.id)?.secret == "whsec_flaky")

            let event = EventID(rawValue: 7)
            let (x, y) = (BookingID(rawValue: UUID()), BookingID(rawValue: UUID()))
            let before = Notice(topic: .bookingConfirmed, eventID: event, bookingID: x, at: t0.addingTimeInterval(-1))
            let paidX = Notice(topic: .bookingConfirmed, eventID: event, bookingID: x, at: t0.addingTimeInterval(1))
            let refundedX = Notice(topic: .bookingRefunded, eventID: event, bookingID: x, subject: "r", at: t0.addingTimeInterval(2))
            let paidY = Notice(topic: .bookingConfirmed, eventID: event, bookingID: y, at: t0.addingTimeInterval(3))
            try await store.recordNotices([before, paidX, refundedX, paidY])
            try await store.recordNotices([paidX])  // the same notice again is one notice
            #expect(try await store.queuedNotices(limit: 10).map(\.notice.id) == [before.id, paidX.id, refundedX.id, paidY.id])

            // The flaky endpoint fails its first two requests.
            let failures = Mutex(2)
            let sender = Sender { url in
                guard url.hasSuffix("flaky") else { return 204 }
                return failures.withLock { left in
                    defer { left -= 1 }
                    return left > 0 ? 500 : 200
                }
            }
            let dispatch = dispatcher(store, sender)
            #expect(try await dispatch.fanOut(at: t0) == 4)
            #expect(try await store.queuedNotices(limit: 10).isEmpty)
            try await store.recordNotices([paidX])
            #expect(try await dispatch.fanOut(at: t0) == 1, "a notice fanned out again makes no second delivery")
            let flakyAll = try await store.deliveries(of: flaky.id, status: nil, before: nil, limit: 10)
            #expect(flakyAll.map(\.noticeID) == [paidY.id, refundedX.id, paidX.id], "newest first; the notice before the endpoint existed is not its")
            #expect(try await store.deliveries(of: steady.id, status: nil, before: nil, limit: 10).map(\.noticeID) == [paidY.id, paidX.id])
            #expect(Set(flakyAll.map(\.body)).count == 3 && flakyAll.allSatisfy { $0.body.contains($0.noticeID.uuidString.lowercased()) })

            // First round: the first of each line; X's refund waits behind X's payment.
            #expect(try await dispatch.deliverDue(at: t0) == 4)
            #expect(try await dispatch.deliverDue(at: t0) == 0, "failed ones wait for their retry; the line behind them waits too")
            #expect(try await store.deliveries(of: steady.id, status: .delivered, before: nil, limit: 10).count == 2)
            let waiting = try await store.deliveries(of: flaky.id, status: .pending, before: nil, limit: 10)
            #expect(waiting.count == 3)
            #expect(waiting.first { $0.noticeID == paidX.id }?.nextAttemptAt == t0.addingTimeInterval(10))
            #expect(waiting.first { $0.noticeID == refundedX.id }?.nextAttemptAt == t0.addingTimeInterval(10), "the line behind waits as long, unscanned")

            // After the wait the payment goes through, and only then the refund behind it.
            #expect(try await dispatch.deliverDue(at: t0.addingTimeInterval(10)) == 2)
            #expect(try await dispatch.deliverDue(at: t0.addingTimeInterval(10)) == 1)
            #expect(try await store.deliveries(of: flaky.id, status: .delivered, before: nil, limit: 10).count == 3)
            let lineX = sender.sent.withLock { $0 }.filter { $0.url.hasSuffix("flaky") && [paidX.id, refundedX.id].map { $0.uuidString.lowercased() }.contains($0.notice) }
            #expect(lineX.map(\.notice) == [paidX, paidX, refundedX].map { $0.id.uuidString.lowercased() })
            let attempts = try await store.attempts(of: [try #require(flakyAll.last?.id)])
            #expect(attempts.values.first?.map(\.statusCode) == [500, 200])
            #expect(attempts.values.first?.map(\.number) == [1, 2])

            // Pages, newest first.
            let page = try await store.deliveries(of: flaky.id, status: nil, before: nil, limit: 2)
            let rest = try await store.deliveries(of: flaky.id, status: nil, before: page.last?.seq, limit: 2)
            #expect((page + rest).map(\.noticeID) == [paidY.id, refundedX.id, paidX.id])

            // An endpoint that never answers is parked once its window has passed, and re-sent by hand.
            let dead = endpoint("dead", [.eventSoldOut], at: t0)
            try await store.addEndpoint(dead)
            try await store.recordNotices([Notice(topic: .eventSoldOut, eventID: event, at: t0.addingTimeInterval(5))])
            _ = try await dispatch.fanOut(at: t0)
            let deadSender = Sender { _ in nil }
            let deadDispatch = dispatcher(store, deadSender)
            var moment = t0
            while try await store.deliveries(of: dead.id, status: .parked, before: nil, limit: 1).isEmpty, moment < t0.addingTimeInterval(200) {
                _ = try await deadDispatch.deliverDue(at: moment)
                moment = moment.addingTimeInterval(5)
            }
            let parked = try #require(try await store.deliveries(of: dead.id, status: .parked, before: nil, limit: 1).first)
            #expect(parked.attempts >= 3 && moment <= t0.addingTimeInterval(110), "10 + 20 + 40 s fit in the 100 s window, the next wait does not")
            #expect(try await deadDispatch.deliverDue(at: t0.addingTimeInterval(1000)) == 0, "parked is never sent by itself")
            let resent = try #require(try await store.resend(parked.id, of: dead.id, at: t0.addingTimeInterval(1000), until: t0.addingTimeInterval(1100)))
            #expect(resent.status == .pending)
            #expect(try await store.resend(parked.id, of: flaky.id, at: t0, until: t0) == nil, "a delivery is resent only through its endpoint")
            #expect(try await dispatcher(store, Sender { _ in 200 }).deliverDue(at: t0.addingTimeInterval(1000)) == 1)
            #expect(try await store.deliveries(of: dead.id, status: .delivered, before: nil, limit: 1).first?.attempts == parked.attempts + 1)

            // A delivery taken is leased: another sender does not take it meanwhile.
            try await store.recordNotices([Notice(topic: .bookingConfirmed, eventID: event, bookingID: y, at: t0.addingTimeInterval(6))])
            _ = try await dispatch.fanOut(at: t0)
            #expect(try await store.claimDue(at: t0.addingTimeInterval(2000), lease: 30, limit: 10).count == 2)
            #expect(try await store.claimDue(at: t0.addingTimeInterval(2000), lease: 30, limit: 10).isEmpty)
            #expect(try await store.claimDue(at: t0.addingTimeInterval(2031), lease: 30, limit: 10).count == 2, "a lease that ran out is taken again")

            // A deleted endpoint is not listed, and its deliveries stop.
            #expect(try await store.deleteEndpoint(steady.id, at: t0))
            #expect(try await store.deleteEndpoint(steady.id, at: t0) == false)
            #expect(try await store.endpoint(steady.id) == nil)
            #expect(Set(try await store.endpoints().map(\.id)) == [flaky.id, dead.id])
            _ = try await dispatcher(store, Sender { _ in 200 }).deliverDue(at: t0.addingTimeInterval(3000))
            let stopped = try await store.deliveries(of: steady.id, status: nil, before: nil, limit: 1).first
            #expect(stopped?.status == .parked)
            #expect(try await store.attempts(of: [try #require(stopped?.id)]).values.first?.last?.detail == "the endpoint was deleted")
        }
    }

    @Test("a sender whose lease ran out records nothing; a notice whose facts cannot be read yet waits with those after it; an event sells out once", arguments: TestBackend.all)
    func leasesAndWaits(backend: TestBackend) async throws {
        try await StoreFixture.with(backend) { fixture in
            let store = try #require(fixture.store as? any WebhookStore)
            let t0 = StoreFixture.now
            let hook = endpoint("hook", [.bookingConfirmed, .eventSoldOut], at: t0)
            try await store.addEndpoint(hook)
            let event = EventID(rawValue: 3)
            let (first, second) = (
                Notice(topic: .bookingConfirmed, eventID: event, bookingID: BookingID(rawValue: UUID()), at: t0.addingTimeInterval(1)),
                Notice(topic: .bookingConfirmed, eventID: event, bookingID: BookingID(rawValue: UUID()), at: t0.addingTimeInterval(2))
            )
            try await store.recordNotices([first, second])

            // The first notice's facts cannot be read yet: nothing is fanned out, nothing is lost.
            let stuck = dispatcher(store, Sender { _ in 200 }, facts: Facts(unreadable: [first.id]))
            #expect(try await stuck.fanOut(at: t0) == 0)
            #expect(try await store.queuedNotices(limit: 10).map(\.notice.id) == [first.id, second.id])
            #expect(try await dispatcher(store, Sender { _ in 200 }).fanOut(at: t0) == 2)

            // A lease that ran out: the late sender's answer is not recorded; the one that holds the claim now is.
            let late = try #require(try await store.claimDue(at: t0, lease: 10, limit: 1).first)
            let current = try #require(try await store.claimDue(at: t0.addingTimeInterval(11), lease: 10, limit: 10).first { $0.id == late.id })
            #expect(late.lease != nil && late.lease != current.lease)
            try await store.record(WebhookAttempt(number: 1, at: t0, statusCode: 500, detail: "late", milliseconds: 1), of: late, delivered: false, next: t0.addingTimeInterval(1))
            try await store.record(WebhookAttempt(number: 1, at: t0, statusCode: 200, detail: "ok", milliseconds: 1), of: current, delivered: true, next: nil)
            #expect(try await store.delivery(late.id, of: hook.id)?.status == .delivered)
            #expect(try await store.attempts(of: [late.id])[late.id]?.map(\.detail) == ["ok"])
            #expect(try await store.resend(late.id, of: hook.id, at: t0, until: t0.addingTimeInterval(60))?.status == .pending)
            #expect(try await store.resend(late.id, of: hook.id, at: t0, until: t0.addingTimeInterval(60)) == nil, "a pending delivery is on its way already")

            // Sold out: noticed once, whoever asks and however often.
            try await store.recordSoldOut([event], at: t0.addingTimeInterval(5))
            try await store.recordSoldOut([event], at: t0.addingTimeInterval(6))
            #expect(try await store.queuedNotices(limit: 10).map(\.notice.topic) == [.eventSoldOut])
            _ = try await dispatcher(store, Sender { _ in 200 }).fanOut(at: t0)
            try await store.recordSoldOut([event], at: t0.addingTimeInterval(7))
            #expect(try await store.queuedNotices(limit: 10).isEmpty, "after a restart too")
        }
    }
}
