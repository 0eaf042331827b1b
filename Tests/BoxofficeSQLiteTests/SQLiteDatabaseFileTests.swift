import BoxofficeSQLite
import BoxofficeStorage
import Foundation
import Logging
import SQLiteNIO
import Testing

@Suite("The SQLite database file")
struct SQLiteDatabaseFileTests {
    func open() async throws -> (SQLiteDatabaseFile, URL) {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("boxoffice-sqlite-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let file = try await SQLiteDatabaseFile.open(path: directory.appendingPathComponent("test.sqlite").path, logger: Logger(label: "test"))
        return (file, directory)
    }

    @Test("it runs in WAL mode with durable commits")
    func durable() async throws {
        let (file, directory) = try await open()
        let mode = try await file.write { try await $0.query("PRAGMA journal_mode") }
        let synchronous = try await file.write { try await $0.query("PRAGMA synchronous") }
        #expect(mode.first?.column("journal_mode")?.string == "wal")
        #expect(synchronous.first?.column("synchronous")?.integer == 2, "2 is FULL: every commit is fsynced")
        try await file.close()
        try? FileManager.default.removeItem(at: directory)
    }

    @Test("a read started after a commit sees it, even while a long read runs")
    func freshReads() async throws {
        let (file, directory) = try await open()
        _ = try await file.write { connection in
            _ = try await connection.query("CREATE TABLE t (v INTEGER)")
            _ = try await connection.query("INSERT INTO t VALUES (0)")
        }
        // A read of many rows, stepped one by one: a connection shared with it would answer the next read from its
        // older snapshot.
        let long = Task {
            try await file.read("WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 400000) SELECT i FROM t CROSS JOIN n").count
        }
        try await Task.sleep(for: .milliseconds(50))
        for v in 1 ... 20 {
            _ = try await file.write { try await $0.query("INSERT INTO t VALUES (?)", [.integer(v)]) }
            let seen = try await file.read("SELECT COUNT(*) AS c FROM t").first?.column("c")?.integer
            #expect(seen == v + 1)
        }
        _ = try await long.value
        try await file.close()
        try? FileManager.default.removeItem(at: directory)
    }

    @Test("a failed write rolls back entirely and the next write works")
    func rollback() async throws {
        let (file, directory) = try await open()
        _ = try await file.write { try await $0.query("CREATE TABLE t (v INTEGER CHECK (v > 0))") }
        await #expect(throws: (any Error).self) {
            try await file.write { connection in
                _ = try await connection.query("INSERT INTO t VALUES (1)")
                _ = try await connection.query("INSERT INTO t VALUES (-1)")
            }
        }
        _ = try await file.write { try await $0.query("INSERT INTO t VALUES (2)") }
        let rows = try await file.read("SELECT v FROM t")
        #expect(rows.compactMap { $0.column("v")?.integer } == [2])
        try await file.close()
        try? FileManager.default.removeItem(at: directory)
    }

    @Test("the back office's migration gives bookings paid before it their confirmation line, so the sales chart shows them")
    func historyBackfill() async throws {
        let (file, directory) = try await open()
        let before = SQLiteBookingSchema.migrations.filter { $0.version < 17 }
        _ = try await SQLiteMigrator(database: file, migrations: before, logger: Logger(label: "test")).migrate()
        _ = try await file.write { connection in
            try await connection.query("INSERT INTO events (id, title, description, venue, starts_at, sales_start, sales_end, hold_ttl_seconds, max_tickets, currency, first_seat_id, seat_count, layout, created_at) VALUES (1, 'E', '', 'V', 0, 0, 1, 60, 4, 'EUR', 1, 0, '{}', 0)")
            for (id, status) in [("b1", "confirmed"), ("b2", "expired")] {
                _ = try await connection.query(
                    "INSERT INTO bookings (id, event_id, status, seat_ids, tickets, amount_minor, currency, user_identifier, expires_at, created_at, updated_at) VALUES (?, 1, ?, '', '', 100, 'EUR', 'u', 0, 0, 5000)",
                    [.text(id), .text(status)]
                )
            }
        }
        #expect(try await SQLiteMigrator(database: file, migrations: SQLiteBookingSchema.migrations, logger: Logger(label: "test")).migrate() == [17, 18, 19, 20])
        let lines = try await file.read("SELECT booking_id, at, kind FROM booking_history")
        #expect(lines.map { "\($0.column("booking_id")?.string ?? "") \($0.column("at")?.integer ?? 0) \($0.column("kind")?.string ?? "")" } == ["b1 5000 confirmed"])
        try await file.close()
        try? FileManager.default.removeItem(at: directory)
    }
}
