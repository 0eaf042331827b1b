import BoxofficeDomain
import BoxofficeEngine
import Foundation
import Logging
import Synchronization
import Testing

/// Keeps every update it is given.
final class RecordingPublisher: LiveUpdatePublisher {
    private let updates = Mutex<[LiveUpdate]>([])

    func publish(_ update: LiveUpdate) {
        updates.withLock { $0.append(update) }
    }

    var deltas: [InventoryDelta] {
        updates.withLock { $0 }.compactMap { if case .inventory(let delta) = $0 { delta } else { nil } }
    }

    var bookingChanges: [BookingStatusChange] {
        updates.withLock { $0 }.compactMap { if case .booking(let change) = $0 { change } else { nil } }
    }
}

@Suite("Event engine: live updates")
struct LiveUpdateTests {
    static func engine(_ store: ScriptedStore, live: RecordingPublisher, clock: TestClock = TestClock(EventEngineTests.now)) -> EventEngine {
        EventEngine(inventory: EventInventory(newEvent: store.event), store: store, live: live, now: { clock.now }, logger: Logger(label: "test"))
    }

    @Test("every committed version has exactly one delta, in order, naming only the seats that changed")
    func consecutiveDeltas() async throws {
        let store = ScriptedStore(event: try EventEngineTests.event(), script: .init(delay: .milliseconds(2)))
        let live = RecordingPublisher()
        let engine = Self.engine(store, live: live)
        try await withThrowingTaskGroup(of: Void.self) { group in
            for seat in 1 ... 200 { group.addTask { _ = try? await engine.hold(EventEngineTests.request(Int64(seat), Int64(seat % 7 + 1))) } }
            try await group.waitForAll()
        }
        let deltas = live.deltas
        #expect(deltas.map(\.version) == Array(1 ... UInt64(deltas.count)))
        #expect(deltas.last?.version == engine.snapshot.version)
        let held = Set(deltas.flatMap(\.seats).filter { $0.status == .held }.map(\.seatID))
        let snapshotHeld = Set(engine.snapshot.seats.indices.filter { engine.snapshot.seats[$0] == .held }.map(engine.event.seatID(at:)))
        #expect(held == snapshotHeld)
        #expect(deltas.flatMap(\.seats).count == held.count, "a seat is named only when it changes")
        #expect(deltas.last?.availableSeats == engine.snapshot.availableSeats)
    }

    @Test("a hold, its release and its expiry reach the customer and the event's watchers")
    func holdReleaseExpire() async throws {
        let clock = TestClock(EventEngineTests.now)
        let store = ScriptedStore(event: try EventEngineTests.event(ttl: 60), script: .init())
        let live = RecordingPublisher()
        let engine = Self.engine(store, live: live, clock: clock)
        let first = try await engine.hold(HoldRequest(eventID: engine.event.id, seatIDs: [SeatID(rawValue: 3)], tickets: [], userIdentifier: " ann "))
        let second = try await engine.hold(HoldRequest(eventID: engine.event.id, seatIDs: [SeatID(rawValue: 4)], tickets: [], userIdentifier: "bob"))
        #expect(try await engine.release(first.id))
        clock.advance(seconds: 61)
        #expect(try await engine.expireDue() == 1)

        let changes = live.bookingChanges.map { "\($0.customer) \($0.status.rawValue)" }
        #expect(changes == ["ann held", "bob held", "ann released", "bob expired"])
        #expect(live.bookingChanges.last?.bookingID == second.id)
        let seatHistory = live.deltas.flatMap(\.seats).map { "\($0.seatID) \($0.status)" }
        #expect(live.deltas.flatMap(\.seats).map(\.status) == [.held, .held, .available, .available], "\(seatHistory)")
    }

    @Test("when the database refuses a one-seat hold, memory re-reads soon after: published as a full comparison, the refused hold not")
    func reloadDelta() async throws {
        let store = ScriptedStore(event: try EventEngineTests.event(), script: .init(refuseSeats: [SeatID(rawValue: 9)]))
        let live = RecordingPublisher()
        let engine = Self.engine(store, live: live)
        await #expect(throws: DomainError.seatsTaken([SeatID(rawValue: 9)])) { try await engine.hold(EventEngineTests.request(9)) }
        let deadline = ContinuousClock.now + .seconds(2)
        while live.deltas.flatMap(\.seats).isEmpty, ContinuousClock.now < deadline { try await Task.sleep(for: .milliseconds(10)) }
        #expect(store.reloadCount == 1, "one re-read, after the answer")
        let deltas = live.deltas
        #expect(deltas.map(\.version) == Array(1 ... UInt64(deltas.count)))
        #expect(deltas.flatMap(\.seats) == [InventoryDelta.SeatChange(seatID: SeatID(rawValue: 9), status: .sold)], "the seat another process sold")
        #expect(live.bookingChanges.isEmpty)
    }
}
