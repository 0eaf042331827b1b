import BoxofficeSQLite
import Foundation
import Logging
import SQLiteNIO
import Testing

@Suite("SQLite migrations")
struct MigrationTests {
    @Test("migrating twice applies each migration once")
    func idempotent() async throws {
        let fixture = try await StoreFixture.make()
        #expect(try await fixture.store.migrate(logger: Logger(label: "test")).isEmpty)
        let rows = try await fixture.database.read("SELECT version FROM schema_migrations")
        #expect(rows.count == BookingSchema.migrations.count)
        try await fixture.close()
    }

    @Test("a database newer than the binary is refused and left untouched")
    func newerSchema() async throws {
        let fixture = try await StoreFixture.make()
        try await fixture.database.write { connection in
            _ = try await connection.query("INSERT INTO schema_migrations (version, name, applied_at) VALUES (999, 'future', 0)")
        }
        await #expect {
            try await fixture.store.migrate(logger: Logger(label: "test"))
        } throws: { error in
            String(describing: error).contains("newer than this binary")
        }
        let rows = try await fixture.database.read("SELECT COUNT(*) AS n FROM schema_migrations")
        let count = rows.first?.column("n")?.integer ?? 0
        #expect(Int(count) == BookingSchema.migrations.count + 1)
        try await fixture.close()
    }
}
