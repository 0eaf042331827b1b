import BoxofficeDomain
import BoxofficePostgres
import BoxofficeSQLite
import BoxofficeStorage
import BoxofficeTestSupport
import Foundation
import Synchronization
import Testing

@Suite("Stores sharing one database, and migrations, on SQLite and PostgreSQL")
struct SharedDatabaseTests {
    static func migrationCount(_ backend: TestBackend) -> Int {
        backend == .sqlite ? SQLiteBookingSchema.migrations.count : PostgresBookingSchema.migrations.count
    }

    @Test("migrating again applies nothing", arguments: TestBackend.all)
    func migrateAgain(backend: TestBackend) async throws {
        try await StoreFixture.with(backend) { (fixture: StoreFixture) async throws in
            #expect(try await fixture.migrate().isEmpty)
            #expect(try await fixture.database.count("SELECT CAST(COUNT(*) AS TEXT) FROM schema_migrations") == Self.migrationCount(backend))
        }
    }

    @Test("a database migrated by a newer binary is refused and left untouched", arguments: TestBackend.all)
    func newerSchema(backend: TestBackend) async throws {
        try await StoreFixture.with(backend) { (fixture: StoreFixture) async throws in
            _ = try await fixture.database.rows("INSERT INTO schema_migrations (version, name) VALUES (999, 'future') RETURNING CAST(version AS TEXT)")
            await #expect {
                try await fixture.migrate()
            } throws: { error in
                (error as? MigrationError)?.description.contains("newer than this binary") == true
            }
            #expect(try await fixture.database.count("SELECT CAST(COUNT(*) AS TEXT) FROM schema_migrations") == Self.migrationCount(backend) + 1)
        }
    }

    @Test("of two processes adding demo events to a new database at once, exactly one does", arguments: TestBackend.all)
    func demoOnce(backend: TestBackend) async throws {
        try await StoreFixture.with(backend) { (fixture: StoreFixture) async throws in
            let drafts = [try StoreFixture.draft(), try StoreFixture.draft()]
            let store = fixture.store
            let created = try await fixture.sibling { sibling in
                async let mine = store.createEventsIfEmpty(drafts)
                async let theirs = sibling.createEventsIfEmpty(drafts)
                return try await [mine.count, theirs.count]
            }
            #expect(created.sorted() == [0, 2])
            #expect(try await fixture.store.eventCount() == 2)
        }
    }

    @Test("an event created by another process can be loaded by id", arguments: TestBackend.all)
    func loadByID(backend: TestBackend) async throws {
        try await StoreFixture.with(backend) { (fixture: StoreFixture) async throws in
            let draft = try StoreFixture.draft()
            let event = try await fixture.sibling { try await $0.createEvent(draft) }
            let loaded = try await fixture.store.loadInventory(of: event.id)
            #expect(loaded?.event == event)
            #expect(try await fixture.store.loadInventory(of: EventID(rawValue: 9_999)) == nil)
        }
    }

    @Test("the change feed tells a batch of new claims only from one that frees seats (PostgreSQL)", .enabled(if: TestBackend.all.contains(.postgres)))
    func changeFeedKinds() async throws {
        try await StoreFixture.with(.postgres) { (fixture: StoreFixture) async throws in
            let store = try #require(fixture.store as? PostgresBookingStore)
            let event = try await store.createEvent(try StoreFixture.draft())
            let heard = Mutex<[RemoteInventoryChange]>([])
            let following = Task {
                try await PostgresChangeFeed(store: store).follow(onChange: { id, change in
                    if id == event.id { heard.withLock { $0.append(change) } }
                }, onResync: {})
            }
            defer { following.cancel() }
            try await Task.sleep(for: .milliseconds(300))
            let hold = StoreFixture.booking(event, seats: [3])
            try await fixture.sibling { sibling in
                _ = try await sibling.apply([.hold(hold)], event: event.id)
                try await Task.sleep(for: .milliseconds(200))
                _ = try await sibling.apply([StoreFixture.ended(hold)], event: event.id)
            }
            let deadline = ContinuousClock.now + .seconds(3)
            while heard.withLock({ $0.count }) < 2, ContinuousClock.now < deadline { try await Task.sleep(for: .milliseconds(20)) }
            #expect(heard.withLock { $0 } == [.claimsOnly, .any])
        }
    }

    @Test("two processes holding the same seats: the database lets exactly one win each seat", arguments: TestBackend.all)
    func twoWriters(backend: TestBackend) async throws {
        try await StoreFixture.with(backend) { (fixture: StoreFixture) async throws in
            let event = try await fixture.store.createEvent(try StoreFixture.draft())
            let store = fixture.store
            let results = try await fixture.sibling { sibling in
                try await withThrowingTaskGroup(of: [Bool].self) { group in
                    for round in 0 ..< 20 {
                        let writer = round.isMultiple(of: 2) ? store : sibling
                        let bookings = (0 ..< 3).map { StoreFixture.booking(event, seats: [($0 + round) % 10], ga: 1) }
                        group.addTask { try await writer.apply(bookings.map { InventoryChange.hold($0) }, event: event.id) }
                    }
                    return try await group.reduce(into: [Bool]()) { $0 += $1 }
                }
            }
            let claims = try await fixture.database.count("SELECT CAST(COUNT(*) AS TEXT) FROM seat_claims")
            let bookings = try await fixture.database.count("SELECT CAST(COUNT(*) AS TEXT) FROM bookings")
            let held = try await fixture.database.count("SELECT CAST(held AS TEXT) FROM ga_pools")
            #expect(results.filter { $0 }.count == bookings)
            #expect(claims == bookings, "one claim per winning one-seat booking")
            #expect(held == bookings && held <= 4, "the pool of 4 is never overfilled")
        }
    }
}
