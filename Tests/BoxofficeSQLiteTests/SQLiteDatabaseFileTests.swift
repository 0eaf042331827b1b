import BoxofficeSQLite
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
}
