import Logging
import PostgresNIO

/// The SQL of a statement a batch runs over and over: run through ``PostgresConnection/runPrepared(_:_:logger:)`` it is prepared
/// once per connection, so PostgreSQL parses and analyzes it once (and may keep one plan) instead of at every batch.
/// Every value is bound; the text never changes.
protocol PreparedSQL {
    /// The statement, with `$1`, `$2`, … for its bound values.
    static var sql: String { get }
}

/// A ``PreparedSQL`` with its bound values, as PostgresNIO prepares and runs it; rows come back undecoded.
struct Prepared<Text: PreparedSQL>: PostgresPreparedStatement {
    typealias Row = PostgresRow
    static var name: String { "boxoffice_\(Text.self)" }
    static var sql: String { Text.sql }
    let bindings: PostgresBindings

    func makeBindings() -> PostgresBindings { bindings }
    func decodeRow(_ row: PostgresRow) -> PostgresRow { row }
}

extension PostgresConnection {
    /// Runs a prepared statement (preparing it first on this connection if it is new here).
    @discardableResult
    func runPrepared<Text: PreparedSQL>(_ text: Text.Type, _ bindings: PostgresBindings, logger: Logger) async throws -> [PostgresRow] {
        var rows: [PostgresRow] = []
        for try await row in try await execute(Prepared<Text>(bindings: bindings), logger: logger) { rows.append(row) }
        return rows
    }
}

extension PostgresClient {
    /// Runs a prepared statement on a connection of the pool (preparing it there first if it is new there).
    @discardableResult
    func runPrepared<Text: PreparedSQL>(_ text: Text.Type, _ bindings: PostgresBindings, logger: Logger) async throws -> [PostgresRow] {
        var rows: [PostgresRow] = []
        for try await row in try await execute(Prepared<Text>(bindings: bindings), logger: logger) { rows.append(row) }
        return rows
    }
}

extension PostgresBindings {
    /// Bindings of the values given, in order.
    init(_ values: any (PostgresEncodable & Sendable)...) throws {
        self.init(capacity: values.count)
        for value in values { try append(value) }
    }
}
