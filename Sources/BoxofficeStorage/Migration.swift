/// One numbered step of a database schema, applied once and recorded.
public struct Migration: Sendable {
    /// The step's number; steps apply in ascending order.
    public let version: Int
    /// A short name for logs.
    public let name: String
    /// The statements of the step, run in one transaction.
    public let statements: [String]

    /// Creates a step.
    public init(version: Int, name: String, statements: [String]) {
        self.version = version
        self.name = name
        self.statements = statements
    }
}

/// Why migrating refused to touch a database.
public struct MigrationError: Error, CustomStringConvertible {
    /// What went wrong, in words.
    public let description: String

    /// The database was migrated by a newer binary; this one does not know its schema.
    public static func schemaNewer(database: Int, binary: Int, path: String) -> MigrationError {
        MigrationError(description: "The database \(path) has schema version \(database), newer than this binary's \(binary). Upgrade boxoffice; the database was not touched.")
    }
}
