import ArgumentParser
import BoxofficeApp
import Foundation

/// `boxoffice migrate`: applies the schema migrations of the configured databases.
struct MigrateCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "migrate", abstract: "Apply the database schema migrations.")

    @Option(help: "all (default), booking or payments: whose databases to migrate (BOXOFFICE_ROLE).") var role: String?
    @Option(name: .customLong("data-dir"), help: "Directory of the SQLite files (BOXOFFICE_DATA_DIR, default ./data).") var dataDirectory: String?
    @Option(name: .customLong("database"), help: "A postgres:// URL instead of the embedded SQLite file (BOXOFFICE_DATABASE_URL).") var databaseURL: String?
    @Option(name: .customLong("payments-database"), help: "A postgres:// URL for the payment service (BOXOFFICE_PAYMENTS_DATABASE_URL).") var paymentsDatabaseURL: String?

    func run() async throws {
        var flags = ServeConfiguration.Flags()
        flags.role = role
        flags.dataDirectory = dataDirectory
        flags.databaseURL = databaseURL
        flags.paymentsDatabaseURL = paymentsDatabaseURL
        let configuration = try ServeConfiguration.resolve(flags: flags, environment: ProcessInfo.processInfo.environment)
        let logger = CommandLogging.bootstrap(level: configuration.logLevel)
        let applied = try await BoxofficeServer.migrate(configuration, logger: logger)
        print(applied.isEmpty ? "The schema is up to date." : "Applied migrations \(applied.map(String.init).joined(separator: ", ")).")
    }
}
