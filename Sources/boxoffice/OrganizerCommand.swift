import ArgumentParser
import BoxofficeApp
import Foundation
import Logging

/// `boxoffice organizer add EMAIL`: makes an account an organizer.
struct OrganizerCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "organizer", abstract: "Manage organizers.", subcommands: [Add.self]
    )

    struct Add: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Make an account an organizer; a new email gets an account with the password from BOXOFFICE_ORGANIZER_PASSWORD."
        )
        @Argument(help: "The account's email.") var email: String
        @Option(name: .customLong("data-dir"), help: "Directory of the SQLite files (BOXOFFICE_DATA_DIR, default ./data).") var dataDirectory: String?
        @Option(name: .customLong("database"), help: "The booking service's postgres:// URL (BOXOFFICE_DATABASE_URL).") var databaseURL: String?

        func run() async throws {
            var flags = ServeConfiguration.Flags()
            flags.dataDirectory = dataDirectory
            flags.databaseURL = databaseURL
            var environment = ProcessInfo.processInfo.environment
            environment["BOXOFFICE_ROLE"] = nil
            let configuration = try ServeConfiguration.resolve(flags: flags, environment: environment)
            let logger = CommandLogging.bootstrap(level: .warning)
            let password = environment["BOXOFFICE_ORGANIZER_PASSWORD"].flatMap { $0.isEmpty ? nil : $0 }
            let created = try await OrganizerAdmin.add(email: email, password: password, configuration: configuration, logger: logger)
            print(created ? "Created the organizer \(email)." : "\(email) is an organizer now.")
        }
    }
}
