import BoxofficeDomain
import BoxofficeEngine
import BoxofficePostgres
import BoxofficeTestSupport
import Foundation
import Logging
import PostgresNIO
import Testing

/// A write answered with an error after its deadline may still commit: memory must learn it, and the hold must
/// expire like any other.
@Suite("A hold whose write timed out but committed")
struct TimedOutWriteTests {
    @Test("is read back into memory, and expires once the database says it is overdue (PostgreSQL)", .enabled(if: TestBackend.all.contains(.postgres)))
    func committedAfterTimeout() async throws {
        let database = try await TestDatabase.make(.postgres)
        defer { database.remove() }
        var logger = Logger(label: "timeout")
        logger.logLevel = .critical
        let settings = try PostgresSettings(url: database.url ?? "")
        let client = PostgresClient(configuration: settings.clientConfiguration, backgroundLogger: logger)
        let blocker = PostgresClient(configuration: settings.clientConfiguration, backgroundLogger: logger)
        let running = [Task { await client.run() }, Task { await blocker.run() }]
        defer { for task in running { task.cancel() } }
        // Set up with time to spare (the machine may be busy); the engine writes with a 1 s deadline.
        let setup = PostgresBookingStore(client: client, timeout: .seconds(30), logger: logger)
        try await setup.migrate()
        _ = try await setup.createEventsIfEmpty([DemoCatalog.grandHall(now: Date())])
        let store = PostgresBookingStore(client: client, timeout: .seconds(1), logger: logger)
        let engine = BookingEngine(store: store, logger: logger)
        try await engine.start()
        let event = try #require(engine.snapshots().first?.event)
        let request = HoldRequest(
            eventID: event.id, seatIDs: [event.firstSeatID], tickets: [TicketQuantity(poolID: event.gaPools[0].id, quantity: 1)], userIdentifier: "late"
        )

        // Another session holds the event's batch lock, so the hold's write waits past its 1 s deadline; then lets go.
        let failure: (any Error)? = try await blocker.withConnection { connection in
            try await connection.query("BEGIN", logger: logger)
            try await connection.query("SELECT pg_advisory_xact_lock(\(event.id.rawValue))", logger: logger)
            let failure: (any Error)?
            do {
                _ = try await engine.hold(request)
                failure = nil
            } catch {
                failure = error
            }
            try await connection.query("COMMIT", logger: logger)
            return failure
        }
        #expect(failure != nil, "the hold's write passed its deadline")
        try await Task.sleep(for: .seconds(1))
        let stored = try await database.count("SELECT CAST(COUNT(*) AS TEXT) FROM bookings WHERE user_identifier = 'late' AND status = 'held'")
        print("a hold answered with \(failure.map { String(describing: $0) } ?? "nothing") was \(stored == 1 ? "committed" : "not committed") after all")

        let engineOfEvent = try engine.engine(for: event.id)
        let deadline = ContinuousClock.now + .seconds(5)
        while ContinuousClock.now < deadline, (engineOfEvent.snapshot.seats[0] != .available) != (stored == 1) {
            try await Task.sleep(for: .milliseconds(50))
        }
        #expect((engineOfEvent.snapshot.seats[0] == .held) == (stored == 1), "memory shows what the database holds")

        guard stored == 1 else { return }
        _ = try await database.rows("UPDATE bookings SET expires_at = now() - interval '1 minute' WHERE user_identifier = 'late'")
        let housekeeping = Housekeeping(engine: engine, store: store, logger: logger)
        #expect(await housekeeping.followOverdueHolds() == [event.id])
        let expiry = ContinuousClock.now + .seconds(5)
        while ContinuousClock.now < expiry, engineOfEvent.snapshot.seats[0] != .available {
            engine.expireDueHolds()
            try await Task.sleep(for: .milliseconds(50))
        }
        #expect(engineOfEvent.snapshot.seats[0] == .available)
        #expect(try await database.count("SELECT CAST(COUNT(*) AS TEXT) FROM bookings WHERE user_identifier = 'late' AND status = 'expired'") == 1)
    }
}
