import ArgumentParser
import BoxofficeApp
import Foundation
import Logging

/// `boxoffice serve`: the whole platform in one process.
struct ServeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve",
        abstract: "Serve the booking API (embedded SQLite under --data-dir by default)."
    )

    @Option(help: "Address to listen on (BOXOFFICE_HOST, default 127.0.0.1).") var host: String?
    @Option(help: "Port to listen on (BOXOFFICE_PORT, default 8080).") var port: Int?
    @Option(name: .customLong("data-dir"), help: "Directory of the SQLite files (BOXOFFICE_DATA_DIR, default ./data).") var dataDirectory: String?
    @Flag(inversion: .prefixedNo, help: "Demo mode: demo events on a new database, open POST /api/init_db (BOXOFFICE_DEMO, default on).") var demo: Bool?
    @Flag(help: "Log one line per request at info level (BOXOFFICE_LOG_REQUESTS).") var logRequests = false
    @Option(help: "Lowest log level: trace, debug, info, notice, warning, error (BOXOFFICE_LOG_LEVEL, default info).") var logLevel: String?

    func run() async throws {
        var flags = ServeConfiguration.Flags()
        flags.host = host
        flags.port = port
        flags.dataDirectory = dataDirectory
        flags.demo = demo
        flags.logRequests = logRequests ? true : nil
        flags.logLevel = logLevel
        let configuration = try ServeConfiguration.resolve(flags: flags, environment: ProcessInfo.processInfo.environment)
        let logger = CommandLogging.bootstrap(level: configuration.logLevel)
        let boxoffice = try await EmbeddedBoxoffice.build(configuration, logger: logger)
        try await boxoffice.run()
    }
}
