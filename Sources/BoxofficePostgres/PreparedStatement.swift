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

    /// Runs the statement with `bindings` prepared through `execute`, or, when it could not be prepared, as a plain query
    /// through `query`; every row, read to the end.
    ///
    /// A connection keeps a failed preparation (a table a migration had not created yet, say) and gives its error for
    /// every later run of the statement; such an error can only come from parsing or analysing the text (SQLSTATE class
    /// 42, or 26000), never from running it, so the plain query — parsed again at each run — cannot repeat a write.
    static func run(
        _ bindings: PostgresBindings, execute: (Self) async throws -> AsyncThrowingMapSequence<PostgresRowSequence, PostgresRow>,
        query: (PostgresQuery) async throws -> PostgresRowSequence
    ) async throws -> [PostgresRow] {
        do {
            return try await execute(Self(bindings: bindings)).reduce(into: []) { $0.append($1) }
        } catch let error as PSQLError where error.code == .server && isPreparationFailure(error.serverInfo?[.sqlState]) {
            return try await query(PostgresQuery(unsafeSQL: sql, binds: bindings)).reduce(into: []) { $0.append($1) }
        }
    }

    private static func isPreparationFailure(_ state: String?) -> Bool {
        guard let state else { return false }
        return state.hasPrefix("42") || state == "26000"
    }
}

extension PostgresConnection {
    /// Runs a prepared statement (preparing it first on this connection if it is new here).
    @discardableResult
    func runPrepared<Text: PreparedSQL>(_ text: Text.Type, _ bindings: PostgresBindings, logger: Logger) async throws -> [PostgresRow] {
        try await Prepared<Text>.run(bindings, execute: { try await execute($0, logger: logger) }, query: { try await query($0, logger: logger) })
    }
}

extension PostgresClient {
    /// Runs a prepared statement on a connection of the pool (preparing it there first if it is new there).
    @discardableResult
    func runPrepared<Text: PreparedSQL>(_ text: Text.Type, _ bindings: PostgresBindings, logger: Logger) async throws -> [PostgresRow] {
        try await Prepared<Text>.run(bindings, execute: { try await execute($0, logger: logger) }, query: { try await query($0, logger: logger) })
    }
}

extension PostgresBindings {
    /// Bindings of the values given, in order.
    init(_ values: any (PostgresEncodable & Sendable)...) throws {
        self.init(capacity: values.count)
        for value in values { try append(value) }
    }
}
