import BoxofficePostgres
import Testing

@Suite("PostgreSQL settings")
struct PostgresSettingsTests {
    @Test("a full URL gives every part")
    func full() throws {
        let settings = try PostgresSettings(url: "postgres://alice:s%40cret@db.local:6543/tickets?sslmode=require")
        #expect(settings.host == "db.local")
        #expect(settings.port == 6543)
        #expect(settings.username == "alice")
        #expect(settings.password == "s@cret")
        #expect(settings.database == "tickets")
        #expect(settings.requireTLS)
        #expect(settings.redacted == "postgres://alice@db.local:6543/tickets")
    }

    @Test("the port defaults to 5432 and TLS to off")
    func defaults() throws {
        let settings = try PostgresSettings(url: "postgresql://bob@127.0.0.1/box")
        #expect(settings.port == 5432)
        #expect(settings.password == nil)
        #expect(!settings.requireTLS)
    }

    @Test("unusable URLs are refused with a clear message", arguments: [
        "mysql://u@h/db", "postgres://h/db", "postgres://u@h", "postgres://u@h/", "not a url",
    ])
    func refused(url: String) {
        #expect(throws: PostgresSettingsError.self) { try PostgresSettings(url: url) }
    }
}
