import BoxofficeDomain
import BoxofficeEngine
import Foundation
import Logging
import Synchronization
import Testing

@Suite("Event engine: group commit")
struct EventEngineTests {
    static let now = Date(timeIntervalSince1970: 1_800_000_000)

    /// 20 rows × 50 seats, and a GA pool of 100.
    static func event(ttl: Int = 600) throws -> Event {
        let draft = try EventDraft(
            details: EventDetails(
                title: "Engine Test", description: "", venue: "v", startsAt: now.addingTimeInterval(86_400),
                salesStart: now.addingTimeInterval(-60), salesEnd: now.addingTimeInterval(86_000),
                holdTTLSeconds: ttl, maxTicketsPerBooking: 10, currency: Currency("EUR")!
            ),
            categories: [PriceCategory(key: "std", name: "Standard", priceMinor: 1_000)],
            seatMap: SeatMapSpec(sections: [.init(name: "Hall", rows: [.block(rows: "A-T", seats: "1-50", category: "std")])]),
            gaPools: []
        )
        return Event(id: EventID(rawValue: 1), details: draft.details, categories: draft.categories, seatMap: draft.seatMap, firstSeatID: SeatID(rawValue: 1), gaPools: [])
    }

    static func engine(_ store: ScriptedStore, clock: TestClock = TestClock(now)) -> EventEngine {
        EventEngine(inventory: EventInventory(newEvent: store.event), store: store, now: { clock.now }, logger: Logger(label: "test"))
    }

    static func request(_ seats: Int64...) -> HoldRequest {
        HoldRequest(eventID: EventID(rawValue: 1), seatIDs: seats.map(SeatID.init(rawValue:)), tickets: [], userIdentifier: "u")
    }

    @Test("concurrent holds share transactions instead of taking one each")
    func batches() async throws {
        let store = ScriptedStore(event: try Self.event(), script: .init(delay: .milliseconds(20)))
        let engine = Self.engine(store)
        let held = try await withThrowingTaskGroup(of: Booking.self) { group in
            for seat in 1 ... 500 { group.addTask { try await engine.hold(Self.request(Int64(seat))) } }
            return try await group.reduce(into: 0) { count, _ in count += 1 }
        }
        #expect(held == 500)
        #expect(store.batchSizes.reduce(0, +) == 500)
        #expect(store.batchSizes.count < 50, "500 holds took \(store.batchSizes.count) transactions")
        #expect(engine.snapshot.availableSeats == 500)
    }

    @Test("a seat the committed state shows taken is refused at once, without a batch")
    func refusedFromSnapshot() async throws {
        let store = ScriptedStore(event: try Self.event(), script: .init())
        let engine = Self.engine(store)
        _ = try await engine.hold(Self.request(7))
        let writes = store.writesBegun
        store.script.withLock { $0.delay = .seconds(30) }
        await #expect(throws: DomainError.seatsTaken([SeatID(rawValue: 7)])) { try await engine.hold(Self.request(8, 7)) }
        #expect(store.writesBegun == writes, "no batch was written for the refusal")
    }

    @Test("a hold answered by callback: a refusal before the call returns, a hold once, after its batch is durable")
    func callbackReplies() async throws {
        let store = ScriptedStore(event: try Self.event(), script: .init(delay: .milliseconds(200)))
        let engine = Self.engine(store)
        let replies = Mutex<[Result<Booking, any Error>]>([])
        let done = AsyncStream.makeStream(of: Void.self)
        engine.hold(Self.request(3)) { answer in
            replies.withLock { $0.append(answer) }
            done.continuation.yield()
        }
        #expect(replies.withLock { $0.isEmpty }, "a hold is answered only after its batch is written")
        #expect(engine.snapshot.availableSeats == 1_000)
        for await _ in done.stream { break }
        try await Task.sleep(for: .milliseconds(50))
        #expect(store.batchSizes == [1])
        #expect(replies.withLock { $0.count } == 1)
        #expect(try replies.withLock { try $0.first?.get().seatIDs } == [SeatID(rawValue: 3)])

        let refused = Mutex<(any Error)?>(nil)
        engine.hold(Self.request(3)) { answer in
            if case .failure(let error) = answer { refused.withLock { $0 = error } }
        }
        #expect(refused.withLock { $0 as? DomainError } == .seatsTaken([SeatID(rawValue: 3)]), "answered before the call returned")
        #expect(store.batchSizes == [1], "no batch was written for the refusal")
    }

    @Test("a contested seat has exactly one winner, decided in memory")
    func contested() async throws {
        let store = ScriptedStore(event: try Self.event(), script: .init(delay: .milliseconds(5)))
        let engine = Self.engine(store)
        let results = await withTaskGroup(of: Bool.self) { group in
            for _ in 1 ... 100 { group.addTask { (try? await engine.hold(Self.request(7))) != nil } }
            return await group.reduce(into: [Bool]()) { $0.append($1) }
        }
        #expect(results.filter { $0 }.count == 1)
        #expect(store.batchSizes.reduce(0, +) == 1)
    }

    @Test("nobody hears of a hold before its batch is durable")
    func answersAfterCommit() async throws {
        let store = ScriptedStore(event: try Self.event(), script: .init(delay: .milliseconds(300)))
        let engine = Self.engine(store)
        let answered = Flag()
        let task = Task {
            _ = try await engine.hold(Self.request(1))
            answered.set()
        }
        try await Task.sleep(for: .milliseconds(100))
        #expect(!answered.isSet)
        #expect(engine.snapshot.availableSeats == 1_000, "an unwritten hold must not show in the seat map")
        try await task.value
        #expect(answered.isSet)
        #expect(engine.snapshot.availableSeats == 999)
    }

    @Test("when the write fails every caller gets the error and nothing changes")
    func storeFailure() async throws {
        let store = ScriptedStore(event: try Self.event(), script: .init(failWrites: true))
        let engine = Self.engine(store)
        await #expect(throws: StoreDown.self) { try await engine.hold(Self.request(3)) }
        #expect(engine.snapshot.availableSeats == 1_000)
        store.script.withLock { $0.failWrites = false }
        #expect(try await engine.hold(Self.request(3)).seatIDs == [SeatID(rawValue: 3)])
    }

    @Test("a release that could not be written leaves the hold in place")
    func failedRelease() async throws {
        let store = ScriptedStore(event: try Self.event())
        let engine = Self.engine(store)
        let booking = try await engine.hold(Self.request(4))
        store.script.withLock { $0.failWrites = true }
        await #expect(throws: StoreDown.self) { try await engine.release(booking.id) }
        #expect(engine.snapshot.availableSeats == 999)
    }

    @Test("a refusal that rested on an unwritten hold becomes the write's error, not a false 409")
    func refusalWaitsForCommit() async throws {
        let store = ScriptedStore(event: try Self.event(), script: .init(delay: .milliseconds(200)))
        let engine = Self.engine(store)
        let first = Task { try await engine.hold(Self.request(1)) }
        while store.writesBegun == 0 { try await Task.sleep(for: .milliseconds(5)) }
        store.script.withLock { $0.failWrites = true }
        let contenders = (0 ..< 2).map { _ in Task { try await engine.hold(Self.request(5)) } }
        _ = try await first.value
        for contender in contenders {
            await #expect(throws: StoreDown.self) { try await contender.value }
        }
    }

    @Test("when the database disagrees the hold is refused and memory is reloaded")
    func databaseDisagrees() async throws {
        let store = ScriptedStore(event: try Self.event(), script: .init(refuseSeats: [SeatID(rawValue: 9)]))
        let engine = Self.engine(store)
        await #expect(throws: DomainError.seatsTaken([SeatID(rawValue: 9)])) { try await engine.hold(Self.request(9, 10)) }
        #expect(store.reloadCount == 1)
        #expect(engine.snapshot.seats[8] == SeatStatus.sold)
        #expect(engine.snapshot.seats[9] == SeatStatus.available)
    }

    @Test("due holds expire and go back on sale; a released hold cannot expire")
    func expiry() async throws {
        let clock = TestClock(Self.now)
        let store = ScriptedStore(event: try Self.event(ttl: 60))
        let engine = Self.engine(store, clock: clock)
        let expiring = try await engine.hold(Self.request(1))
        let released = try await engine.hold(Self.request(2))
        #expect(try await engine.release(released.id))
        #expect(try await engine.release(released.id) == false)
        #expect(try await engine.expireDue() == 0)
        clock.advance(seconds: 61)
        #expect(try await engine.expireDue() == 1)
        #expect(engine.snapshot.availableSeats == 1_000)
        #expect(try await engine.release(expiring.id) == false)
    }

    @Test("a buy is one decision, written payment_pending with the id asked for; it never expires; settled it sells; one the database refuses or cannot write leaves the seat on sale")
    func buy() async throws {
        let clock = TestClock(Self.now)
        let store = ScriptedStore(event: try Self.event(ttl: 60), script: .init(refuseSeats: [SeatID(rawValue: 9)]))
        let engine = Self.engine(store, clock: clock)
        var request = Self.request(4)
        request.pay = true
        request.bookingID = BookingID.random()
        let bought = try await engine.hold(request)
        #expect(bought.id == request.bookingID && bought.status == .paymentPending)
        #expect(store.batchSizes == [1], "hold and payment request in one write")
        clock.advance(seconds: 61)
        #expect(try await engine.expireDue() == 0, "a buy waits for its payment, whatever the hold's time")
        #expect(engine.snapshot.seats[3] == .held)
        #expect(try await engine.settle(bought.id, confirmed: true, message: UUID()) == .settled)
        #expect(engine.snapshot.seats[3] == .sold)

        var refused = Self.request(9)
        refused.pay = true
        await #expect(throws: DomainError.seatsTaken([SeatID(rawValue: 9)])) { try await engine.hold(refused) }
        var failing = Self.request(5)
        failing.pay = true
        store.script.withLock { $0.failWrites = true }
        await #expect(throws: StoreDown.self) { try await engine.hold(failing) }
        #expect(engine.snapshot.seats[4] == .available, "taken back in memory")
        store.script.withLock { $0.failWrites = false }
        #expect(try await engine.hold(failing).status == .paymentPending)
    }

    @Test("the sweeper's round asks only events with a due hold, once, and never waits on one: 50,000 events, one due")
    func sweepManyEvents() async throws {
        let clock = TestClock(Self.now)
        let event = try Self.event(ttl: 60)
        let store = ScriptedStore(event: event)
        let idle = (0 ..< 50_000).map { _ in
            EventEngine(inventory: EventInventory(newEvent: event), store: store, now: { clock.now }, logger: Logger(label: "test"))
        }
        let busy = Self.engine(ScriptedStore(event: event, script: .init(delay: .milliseconds(300))), clock: clock)
        let due = Self.engine(store, clock: clock)
        _ = try await busy.hold(Self.request(1))
        _ = try await due.hold(Self.request(2))
        let engines = idle + [busy, due]
        #expect(engines.filter { $0.expireDueSoon(at: clock.now) }.isEmpty, "nothing is due yet")
        clock.advance(seconds: 61)
        let started = ContinuousClock.now
        let asked = engines.filter { $0.expireDueSoon(at: clock.now) }
        let took = ContinuousClock.now - started
        print("a sweep round over \(engines.count) events took \(took)")
        #expect(asked.count == 2, "the two events with a due hold")
        #expect(!busy.expireDueSoon(at: clock.now), "a sweep already queued is not queued again")
        let deadline = ContinuousClock.now + .seconds(2)
        while due.snapshot.availableSeats < 1_000, ContinuousClock.now < deadline { try await Task.sleep(for: .milliseconds(5)) }
        #expect(due.snapshot.availableSeats == 1_000, "expired while the other event's write was still slow")
        #expect(busy.snapshot.availableSeats == 999)
    }

    @Test("every committed batch raises the snapshot version")
    func versions() async throws {
        let engine = Self.engine(ScriptedStore(event: try Self.event()))
        #expect(engine.snapshot.version == 0)
        _ = try await engine.hold(Self.request(1))
        _ = try await engine.hold(Self.request(2))
        #expect(engine.snapshot.version == 2)
        _ = try? await engine.hold(Self.request(2))
        #expect(engine.snapshot.version == 2, "a refused hold changes nothing")
    }
}
