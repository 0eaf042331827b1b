import BoxofficeDomain
import BoxofficeTestSupport
import BoxofficeWaitingRoom
import Foundation
import Testing

/// Waiting rooms as the database keeps them: one place per visitor, the pre-queue drawn once at sales start, later
/// visitors first in first out, one cursor moved by one process at a time.
@Suite("Waiting rooms in the database, on SQLite and PostgreSQL")
struct QueueStoreTests {
    static let now = StoreFixture.now

    static func settings() -> QueueSettings {
        QueueSettings(enabled: true, opensAt: now.addingTimeInterval(-3_600), admitPerMinute: 60, passMinutes: 10)
    }

    @Test("the pre-queue is drawn at sales start in the order of its draws; later visitors follow in arrival order", arguments: TestBackend.all)
    func ordering(backend: TestBackend) async throws {
        try await StoreFixture.with(backend) { (fixture: StoreFixture) async throws in
            let queues = try #require(fixture.store as? any QueueStore)
            let event = try await fixture.store.createEvent(try StoreFixture.draft())
            let salesStart = Self.now.addingTimeInterval(60)
            _ = try await queues.saveQueueSettings(Self.settings(), of: event.id, salesStart: salesStart, at: Self.now)
            #expect(try await fixture.store.loadInventory(of: event.id)?.event.details.queued == true, "the event asks holds for a pass")
            // Arrival order a, b, c, d; draws put them d, b, a, c.
            for (visitor, draw) in [("a", Int64(30)), ("b", -5), ("c", 99), ("d", -700)] {
                let entry = try await queues.joinQueue(of: event.id, identity: visitor, at: Self.now, draw: draw)
                #expect(entry.position == nil, "no position before the draw")
            }
            #expect(try await queues.joinQueue(of: event.id, identity: "a", at: Self.now, draw: 1).position == nil, "one place per visitor")
            #expect(try await queues.advanceQueues(to: Self.now.addingTimeInterval(30))[event.id]?.ordered == false, "not drawn before sales start")
            let late = try await queues.joinQueue(of: event.id, identity: "e", at: salesStart.addingTimeInterval(1), draw: -1_000_000)
            #expect(late.position == 5, "a later visitor joins at the back, whatever it drew")
            var positions: [String: Int] = [:]
            for visitor in ["a", "b", "c", "d", "e"] { positions[visitor] = try await queues.queueEntry(of: event.id, identity: visitor)?.position }
            #expect(positions == ["d": 1, "b": 2, "a": 3, "c": 4, "e": 5])
            #expect(try await queues.joinQueue(of: event.id, identity: "f", at: salesStart.addingTimeInterval(2), draw: 0).position == 6)
        }
    }

    @Test("the cursor moves at the rate from sales start, by one process at a time, and never admits a visitor twice", arguments: TestBackend.all)
    func cursor(backend: TestBackend) async throws {
        try await StoreFixture.with(backend) { (fixture: StoreFixture) async throws in
            let queues = try #require(fixture.store as? any QueueStore)
            let event = try await fixture.store.createEvent(try StoreFixture.draft())
            let salesStart = Self.now
            _ = try await queues.saveQueueSettings(Self.settings(), of: event.id, salesStart: salesStart, at: Self.now.addingTimeInterval(-100))
            for visitor in 0 ..< 100 { _ = try await queues.joinQueue(of: event.id, identity: "v\(visitor)", at: Self.now.addingTimeInterval(-10), draw: Int64(visitor)) }
            // Two processes move the cursor at once, again and again, each by its own clock: the rate decides, not how many
            // move it, and the cursor never goes back.
            var seen = 0
            for second in 1 ... 10 {
                let at = salesStart.addingTimeInterval(Double(second) * 3)
                async let mine = queues.advanceQueues(to: at)
                async let theirs = fixture.sibling { try await ($0 as! any QueueStore).advanceQueues(to: at.addingTimeInterval(1.5)) }
                _ = try await (mine, theirs)
                let cursor = try #require(try await queues.queueState(of: event.id)).cursor
                #expect(cursor >= seen, "the cursor went back from \(seen) to \(cursor)")
                seen = cursor
            }
            let state = try #require(try await queues.queueState(of: event.id))
            #expect((30 ... 31).contains(state.cursor), "60 a minute for 30 to 31.5 s: \(state.cursor)")
            #expect(state.positioned == 100)
            let issued = try await queues.recordPassIssued(of: event.id, identity: "v0", at: Self.now.addingTimeInterval(31))
            #expect(try await queues.recordPassIssued(of: event.id, identity: "v0", at: Self.now.addingTimeInterval(99)) == issued, "the first issue counts")
            var paused = Self.settings()
            paused.paused = true
            _ = try await queues.saveQueueSettings(paused, of: event.id, salesStart: salesStart, at: Self.now)
            let before = try await queues.queueState(of: event.id)?.cursor
            _ = try await queues.advanceQueues(to: salesStart.addingTimeInterval(90))
            #expect(try await queues.queueState(of: event.id)?.cursor == before, "paused")
        }
    }

    @Test("a waiting room switched on during a sale admits from that moment, not from the sale's start", arguments: TestBackend.all)
    func switchedOnLate(backend: TestBackend) async throws {
        try await StoreFixture.with(backend) { (fixture: StoreFixture) async throws in
            let queues = try #require(fixture.store as? any QueueStore)
            let event = try await fixture.store.createEvent(try StoreFixture.draft())
            let salesStart = Self.now.addingTimeInterval(-86_400)
            _ = try await queues.saveQueueSettings(Self.settings(), of: event.id, salesStart: salesStart, at: Self.now)
            for visitor in 0 ..< 20 { _ = try await queues.joinQueue(of: event.id, identity: "v\(visitor)", at: Self.now.addingTimeInterval(1), draw: 0) }
            _ = try await queues.advanceQueues(to: Self.now.addingTimeInterval(5))
            #expect(try await queues.queueState(of: event.id)?.cursor == 5, "60 a minute from the moment it was switched on: 5 in 5 s, not a day's worth")
        }
    }

    @Test("a join that waited past the draw gets a position at the back; a queue switched off and on again lets no crowd in", arguments: TestBackend.all)
    func stragglersAndRestarts(backend: TestBackend) async throws {
        try await StoreFixture.with(backend) { (fixture: StoreFixture) async throws in
            let queues = try #require(fixture.store as? any QueueStore)
            let event = try await fixture.store.createEvent(try StoreFixture.draft())
            let salesStart = Self.now.addingTimeInterval(60)
            _ = try await queues.saveQueueSettings(Self.settings(), of: event.id, salesStart: salesStart, at: Self.now)
            for visitor in ["a", "b"] { _ = try await queues.joinQueue(of: event.id, identity: visitor, at: Self.now, draw: 0) }
            _ = try await queues.advanceQueues(to: salesStart.addingTimeInterval(1))
            // A join stamped before sales start that reached the database after the draw.
            let late = try await queues.joinQueue(of: event.id, identity: "c", at: salesStart.addingTimeInterval(-1), draw: -9)
            #expect(late.position == 3, "not left without a position: \(String(describing: late.position))")
            for visitor in 0 ..< 50 { _ = try await queues.joinQueue(of: event.id, identity: "v\(visitor)", at: salesStart.addingTimeInterval(2), draw: 0) }
            _ = try await queues.advanceQueues(to: salesStart.addingTimeInterval(5))
            let running = try #require(try await queues.queueState(of: event.id)).cursor
            var off = Self.settings()
            off.enabled = false
            _ = try await queues.saveQueueSettings(off, of: event.id, salesStart: salesStart, at: salesStart.addingTimeInterval(5))
            _ = try await queues.advanceQueues(to: salesStart.addingTimeInterval(600))
            _ = try await queues.saveQueueSettings(Self.settings(), of: event.id, salesStart: salesStart, at: salesStart.addingTimeInterval(600))
            _ = try await queues.advanceQueues(to: salesStart.addingTimeInterval(605))
            let after = try #require(try await queues.queueState(of: event.id)).cursor
            #expect(after - running == 5, "5 s at 60 a minute after switching it on again, not the ten minutes it was off: \(running) → \(after)")
        }
    }

    @Test("joins written together: in order, each once, a visitor twice in one batch gets one place", arguments: TestBackend.all)
    func batches(backend: TestBackend) async throws {
        try await StoreFixture.with(backend) { (fixture: StoreFixture) async throws in
            let queues = try #require(fixture.store as? any QueueStore)
            let event = try await fixture.store.createEvent(try StoreFixture.draft())
            _ = try await queues.saveQueueSettings(Self.settings(), of: event.id, salesStart: Self.now.addingTimeInterval(-60), at: Self.now)
            let joins = (0 ..< 40).map { QueueJoin(identity: "v\($0 % 30)", at: Self.now, draw: Int64($0)) }
            let entries = try await queues.joinQueue(of: event.id, joins).entries
            #expect(entries.map(\.identity) == joins.map(\.identity), "answered in order")
            #expect(Set(entries.compactMap(\.position)) == Set(1 ... 30), "thirty visitors, thirty places")
            for (index, entry) in entries.enumerated() where index >= 30 {
                #expect(entry.position == entries[index - 30].position, "a visitor twice keeps its place")
            }
            // A batch across sales start: the earlier joins are drawn, then the later ones follow, all in one call.
            let other = try await fixture.store.createEvent(try StoreFixture.draft())
            _ = try await queues.saveQueueSettings(Self.settings(), of: other.id, salesStart: Self.now, at: Self.now.addingTimeInterval(-60))
            _ = try await queues.joinQueue(of: other.id, identity: "early", at: Self.now.addingTimeInterval(-30), draw: 5)
            let across = try await queues.joinQueue(of: other.id, [
                QueueJoin(identity: "p1", at: Self.now.addingTimeInterval(-2), draw: -5), QueueJoin(identity: "early", at: Self.now, draw: 0),
                QueueJoin(identity: "late", at: Self.now.addingTimeInterval(1), draw: -99),
            ])
            #expect(across.entries.map(\.position) == [1, 2, 3], "drawn p1 (-5) before early (5), then late: \(across.entries.map(\.position))")
            #expect(across.state.ordered && across.state.positioned == 3)
        }
    }

    @Test("with active shoppers the cursor lets in as visitors pay or their pass ends, and each move says when a position came in", arguments: TestBackend.all)
    func activeShoppers(backend: TestBackend) async throws {
        try await StoreFixture.with(backend) { (fixture: StoreFixture) async throws in
            let queues = try #require(fixture.store as? any QueueStore)
            let event = try await fixture.store.createEvent(try StoreFixture.draft())
            var settings = Self.settings()
            settings.admitPerMinute = 6_000
            settings.activeShoppers = 3
            settings.passMinutes = 1
            _ = try await queues.saveQueueSettings(settings, of: event.id, salesStart: Self.now, at: Self.now)
            for visitor in 1 ... 10 { _ = try await queues.joinQueue(of: event.id, identity: "v\(visitor)", at: Self.now.addingTimeInterval(1), draw: 0) }
            var state = try #require(try await queues.advanceQueues(to: Self.now.addingTimeInterval(2))[event.id])
            #expect(state.cursor == 3 && state.shopping == 3, "three shop at once: \(state.cursor)")
            #expect(try await queues.advanceQueues(to: Self.now.addingTimeInterval(5))[event.id]?.cursor == 3, "nobody left: nobody more")
            #expect(try await queues.admissionTime(of: event.id, position: 2) == Self.now.addingTimeInterval(2))
            #expect(try await queues.admissionTime(of: event.id, position: 4) == nil)

            // v1 pays for a booking of the event: its place is free, and its entry says it paid.
            let sql = switch backend {
            case .sqlite:
                "INSERT INTO bookings VALUES ('b1', \(event.id.rawValue), 'confirmed', '1', '', 100, 'EUR', 'v1', 0, 0, 0)"
            case .postgres:
                "INSERT INTO bookings VALUES (gen_random_uuid(), \(event.id.rawValue), 'confirmed', '1', '', 100, 'EUR', 'v1', now(), now(), now())"
            }
            _ = try await fixture.database.rows(sql)
            #expect(try await queues.queueEntry(of: event.id, identity: "v1")?.paid == true)
            #expect(try await queues.queueEntry(of: event.id, identity: "v2")?.paid == false)
            state = try #require(try await queues.advanceQueues(to: Self.now.addingTimeInterval(6))[event.id])
            #expect(state.cursor == 4 && state.shopping == 3, "one paid, one more in: \(state.cursor)")
            #expect(state.admittedLastMinute == 4, "four let in within the minute")
            // A minute after the first three came in their passes have ended: two more come in (v4 still shops).
            state = try #require(try await queues.advanceQueues(to: Self.now.addingTimeInterval(63))[event.id])
            #expect(state.cursor == 6, "v2 and v3's passes ended (v4's runs): \(state.cursor)")
            #expect(try await queues.queueState(of: event.id)?.shopping == 3, "kept for the organizer's view")
        }
    }
}
