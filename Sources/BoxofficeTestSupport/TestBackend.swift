import Foundation

/// A database the shared test suites run against.
///
/// PostgreSQL cases exist when `BOXOFFICE_TEST_POSTGRES_URL` names a server (scripts/test starts one) or
/// when `BOXOFFICE_REQUIRE_POSTGRES=1` insists on them — then a missing server fails the tests instead of
/// quietly testing SQLite alone.
public enum TestBackend: String, Sendable, CustomStringConvertible, CaseIterable {
    /// The embedded SQLite file.
    case sqlite
    /// A PostgreSQL server.
    case postgres

    /// The backends this test run covers.
    public static var all: [TestBackend] {
        let environment = ProcessInfo.processInfo.environment
        let wanted = environment["BOXOFFICE_TEST_POSTGRES_URL"] != nil || environment["BOXOFFICE_REQUIRE_POSTGRES"] == "1"
        return wanted ? [.sqlite, .postgres] : [.sqlite]
    }

    public var description: String { rawValue }
}
