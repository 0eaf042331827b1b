import ArgumentParser
import BoxofficeApp
import Foundation
import Logging

/// `boxoffice dead-letters list|replay`: the messages the services gave up on, and putting them back.
struct DeadLettersCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "dead-letters",
        abstract: "List the messages a service's consumer gave up on, or put them back to be processed again.",
        discussion: """
            A message goes to its consumer's dead letters when it cannot be read, or failed 20 times for a reason \
            of its own (a database that is down does not count). `replay` puts it back, unsent, in its sender's \
            outbox and forgets the dead letter; the sender publishes it again within a second. Works beside \
            running servers, on the databases `serve` would use.
            """,
        subcommands: [List.self, Replay.self]
    )

    /// The databases, named as `serve` names them.
    struct Databases: ParsableArguments {
        @Option(name: .customLong("data-dir"), help: "Directory of the SQLite files (BOXOFFICE_DATA_DIR, default ./data).") var dataDirectory: String?
        @Option(name: .customLong("database"), help: "The booking service's postgres:// URL (BOXOFFICE_DATABASE_URL).") var databaseURL: String?
        @Option(name: .customLong("payments-database"), help: "The payment service's postgres:// URL (BOXOFFICE_PAYMENTS_DATABASE_URL).") var paymentsDatabaseURL: String?

        func configuration() throws -> ServeConfiguration {
            var flags = ServeConfiguration.Flags()
            flags.dataDirectory = dataDirectory
            flags.databaseURL = databaseURL
            flags.paymentsDatabaseURL = paymentsDatabaseURL
            var environment = ProcessInfo.processInfo.environment
            environment["BOXOFFICE_ROLE"] = nil
            return try ServeConfiguration.resolve(flags: flags, environment: environment)
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Print the dead letters of both services, oldest first.")
        @OptionGroup var databases: Databases
        @Option(help: "The most to print.") var limit = 100

        func run() async throws {
            let configuration = try databases.configuration()
            let logger = CommandLogging.bootstrap(level: .warning)
            let letters = try await DeadLetterAdmin.list(configuration, limit: limit, logger: logger)
            guard !letters.isEmpty else {
                print("No dead letters.")
                return
            }
            print("failed at             consumer  type               message id                            error")
            for letter in letters {
                let error = letter.error.count > 80 ? String(letter.error.prefix(79)) + "…" : letter.error
                print("\(Self.format(letter.failedAt))  \(letter.consumer.padding(toLength: 8, withPad: " ", startingAt: 0))  "
                    + "\(letter.type.padding(toLength: 17, withPad: " ", startingAt: 0))  \(letter.id.uuidString.lowercased())  \(error)")
            }
            print("\(letters.count) dead letter\(letters.count == 1 ? "" : "s"); `boxoffice dead-letters replay ID…` or `--all` puts them back.")
        }

        private static func format(_ date: Date) -> String {
            date.formatted(.iso8601.year().month().day().time(includingFractionalSeconds: false).dateTimeSeparator(.space))
        }
    }

    struct Replay: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Put dead letters back into their senders' outboxes.")
        @OptionGroup var databases: Databases
        @Flag(help: "Replay every dead letter.") var all = false
        @Argument(help: "The message ids to replay.") var ids: [String] = []

        func validate() throws {
            guard all != !ids.isEmpty else { throw ValidationError("Name the message ids to replay, or give --all (not both).") }
            for id in ids where UUID(uuidString: id) == nil { throw ValidationError("\(id) is not a message id (a UUID).") }
        }

        func run() async throws {
            let configuration = try databases.configuration()
            let logger = CommandLogging.bootstrap(level: .warning)
            let wanted = all ? nil : Set(ids.compactMap(UUID.init(uuidString:)))
            let replayed = try await DeadLetterAdmin.replay(configuration, ids: wanted, logger: logger)
            for letter in replayed { print("replayed \(letter.type) \(letter.id.uuidString.lowercased()) (was given up by \(letter.consumer))") }
            if let wanted {
                let missing = wanted.subtracting(replayed.map(\.id))
                for id in missing.sorted(by: { $0.uuidString < $1.uuidString }) { print("no dead letter \(id.uuidString.lowercased())") }
                if !missing.isEmpty { throw ExitCode(1) }
            }
            print("\(replayed.count) replayed.")
        }
    }
}
