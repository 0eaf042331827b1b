import BoxofficePostgres
import Foundation
import Logging
import PostgresNIO
import SQLiteNIO
import Synchronization

/// A fresh, migrated database for one test: a new SQLite directory, or a new PostgreSQL database copied
/// from a migrated template (as SwiftPackageIndex-Server does), so tests never see each other's rows.
public struct TestDatabase: Sendable {
    /// The backend.
    public let backend: TestBackend
    /// A new, empty directory for the test's files (the SQLite database and the organizer token).
    public let directory: URL
    /// The PostgreSQL URL of this test's database; nil for SQLite.
    public let url: String?

    /// The SQLite database file, when the backend is SQLite.
    public var sqlitePath: String { directory.appendingPathComponent("booking.sqlite").path }

    /// The payment service's SQLite database file, when the backend is SQLite.
    public var paymentsSQLitePath: String { directory.appendingPathComponent("payments.sqlite").path }

    /// The service whose tables a query reads.
    public enum Service: Sendable {
        /// The booking service's tables.
        case booking
        /// The payment service's tables (their own SQLite file; schema `payments` on PostgreSQL).
        case payments
    }

    /// Makes a fresh database for a test.
    public static func make(_ backend: TestBackend) async throws -> TestDatabase {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("boxoffice-test-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        switch backend {
        case .sqlite:
            return TestDatabase(backend: backend, directory: directory, url: nil)
        case .postgres:
            let server = try PostgresTestServer.shared()
            let name = "test_\(UUID().uuidString.replacingOccurrences(of: "-", with: "").lowercased())"
            try await server.createDatabase(name)
            return TestDatabase(backend: backend, directory: directory, url: server.url(database: name))
        }
    }

    /// Runs a query whose every column is text (cast with `CAST(x AS TEXT)`) and returns the rows.
    public func rows(_ sql: String, of service: Service = .booking) async throws -> [[String?]] {
        switch backend {
        case .sqlite:
            let connection = try await SQLiteConnection.open(storage: .file(path: service == .booking ? sqlitePath : paymentsSQLitePath))
            defer { Task { try? await connection.close() } }
            return try await connection.query(sql).map { row in row.columns.map { $0.data.isNull ? nil : $0.data.string } }
        case .postgres:
            return try await PostgresTestServer.withClient(url: url ?? "", schema: service == .booking ? nil : PostgresPaymentSchema.name) { client in
                var result: [[String?]] = []
                for try await row in try await client.query(PostgresQuery(unsafeSQL: sql)) {
                    result.append(try row.map { cell in try cell.decode(String?.self) })
                }
                return result
            }
        }
    }

    /// The single integer a `SELECT CAST(COUNT(*) AS TEXT) …` returns.
    public func count(_ sql: String, of service: Service = .booking) async throws -> Int {
        Int(try await rows(sql, of: service).first?.first??.description ?? "") ?? -1
    }

    /// Removes the test's files, and drops its PostgreSQL database in the background.
    public func remove() {
        try? FileManager.default.removeItem(at: directory)
        guard let url, let name = url.split(separator: "/").last.map(String.init) else { return }
        Task { try? await PostgresTestServer.shared().dropDatabase(name) }
    }
}
