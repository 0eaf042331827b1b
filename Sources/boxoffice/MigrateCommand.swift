import ArgumentParser
import BoxofficeApp
import Foundation

/// `boxoffice migrate`: applies the schema migrations of the configured databases.
struct MigrateCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "migrate", abstract: "Apply the database schema migrations.")

    @Option(name: .customLong("data-dir"), help: "Directory of the SQLite files (BOXOFFICE_DATA_DIR, default ./data).") var dataDirectory: String?

    func run() async throws {
        var flags = ServeConfiguration.Flags()
        flags.dataDirectory = dataDirectory
        let configuration = try ServeConfiguration.resolve(flags: flags, environment: ProcessInfo.processInfo.environment)
        let logger = CommandLogging.bootstrap(level: configuration.logLevel)
        let applied = try await EmbeddedBoxoffice.migrate(dataDirectory: configuration.dataDirectory, logger: logger)
        print(applied.isEmpty ? "The schema is up to date." : "Applied migrations \(applied.map(String.init).joined(separator: ", ")).")
    }
}
