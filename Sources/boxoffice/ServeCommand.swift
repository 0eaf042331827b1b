import ArgumentParser
import BoxofficeApp
import Foundation
import Logging

/// `boxoffice serve`: the whole platform in one process.
struct ServeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve",
        abstract: "Serve the booking API (embedded SQLite under --data-dir by default, PostgreSQL with --database).",
        discussion: "One process runs both services by default (--role all); with --broker, --role booking and --role payments run them as separate processes that talk through RabbitMQ."
    )

    @Option(help: "all (default), booking or payments: which services this process runs (BOXOFFICE_ROLE).") var role: String?
    @Option(name: .customLong("broker"), help: "amqp://user:password@host:5672/vhost: RabbitMQ between the services (BOXOFFICE_BROKER_URL); without it, role all talks in process.") var brokerURL: String?

    @Option(help: "Address to listen on (BOXOFFICE_HOST, default 127.0.0.1).") var host: String?
    @Option(help: "Port to listen on (BOXOFFICE_PORT, default 8080).") var port: Int?
    @Option(name: .customLong("data-dir"), help: "Directory of the SQLite files (BOXOFFICE_DATA_DIR, default ./data).") var dataDirectory: String?
    @Option(name: .customLong("database"), help: "A postgres://user:password@host:port/db URL instead of the embedded SQLite file (BOXOFFICE_DATABASE_URL).") var databaseURL: String?
    @Option(name: .customLong("payments-database"), help: "A postgres:// URL for the payment service's own database (BOXOFFICE_PAYMENTS_DATABASE_URL; default: its own SQLite file, or schema payments beside --database).") var paymentsDatabaseURL: String?
    @Option(help: "Most PostgreSQL connections of this instance (BOXOFFICE_DATABASE_POOL_SIZE, default 20).") var databasePoolSize: Int?
    @Option(help: "Seconds one database operation may take before its request gets 503 (BOXOFFICE_DATABASE_TIMEOUT, default 5).") var databaseTimeout: Int?
    @Option(name: .customLong("public-dir"), help: "Folder of the web app served at / (BOXOFFICE_PUBLIC_DIR, default ./public).") var publicDirectory: String?
    @Option(help: "Seconds a booking may wait for its payment's outcome before the payment service is asked again (BOXOFFICE_PAYMENT_RETRY_AFTER, default 30).") var paymentRetryAfter: Int?
    @Option(help: "Web origins besides the server's own allowed to call the API and open live sockets from a browser, comma-separated (BOXOFFICE_ALLOWED_ORIGINS).") var allowedOrigins: String?
    @Option(name: .customLong("rate-limit"), help: "Write rate limits per identity (ten times that per address): off, or ACTION=N/s or N/min, comma-separated, ACTION one of holds, payments, deposits, signups, logins (BOXOFFICE_RATE_LIMITS, default holds=20/s,payments=5/s,deposits=5/s,signups=30/min,logins=30/min; signups and logins count per address only).") var rateLimits: String?
    @Option(help: "Most open connections in all (BOXOFFICE_MAX_CONNECTIONS, default 16384).") var maxConnections: Int?
    @Option(help: "Most open connections from one address (BOXOFFICE_MAX_CONNECTIONS_PER_ADDRESS, default 4096).") var maxConnectionsPerAddress: Int?
    @Flag(help: "Let webhooks reach loopback and private addresses, for tests or a private deployment (BOXOFFICE_ALLOW_PRIVATE_WEBHOOKS=1).") var allowPrivateWebhooks = false
    @Option(name: .customLong("webhook-retry-base-ms"), help: "Milliseconds a failed webhook delivery waits before its first retry, doubling up to an hour (BOXOFFICE_WEBHOOK_RETRY_BASE_MS, default 10000).") var webhookRetryBase: Int?
    @Option(name: .customLong("webhook-retry-window"), help: "Seconds a webhook delivery is retried before it is parked (BOXOFFICE_WEBHOOK_RETRY_WINDOW, default 86400).") var webhookRetryWindow: Int?
    @Option(name: .customLong("webhook-timeout-ms"), help: "Milliseconds one webhook attempt may take (BOXOFFICE_WEBHOOK_TIMEOUT_MS, default 10000).") var webhookTimeout: Int?
    @Flag(help: "Connections come through a gateway that appends the client's address to X-Forwarded-For; limit by that address (BOXOFFICE_TRUST_FORWARDED_FOR).") var trustForwardedFor = false
    @Option(help: "Seconds a graceful shutdown may take before what is left is cancelled (BOXOFFICE_SHUTDOWN_TIMEOUT, default 10).") var shutdownTimeout: Int?
    @Option(help: "Seconds a connection may send nothing before it is closed, and a request body may take (BOXOFFICE_IDLE_TIMEOUT, default 30).") var idleTimeout: Int?
    @Option(help: "Seconds a request head may take to arrive, from the connection's accept (BOXOFFICE_HEADER_TIMEOUT, default 10).") var headerTimeout: Int?
    @Option(help: "Shortest time between two seat map deltas of one event, in ms (BOXOFFICE_LIVE_INTERVAL, default 250).") var liveInterval: Int?
    @Option(help: "Most delta frames one event's WebSocket subscribers get per second in all; more subscribers, longer interval (BOXOFFICE_LIVE_FRAMES_PER_SECOND, default 30000).") var liveFramesPerSecond: Int?
    @Option(help: "batched (default), or for benchmarks only baseline-lock / baseline-update (BOXOFFICE_HOLD_STRATEGY).") var holdStrategy: String?
    @Flag(inversion: .prefixedNo, help: "Demo mode: demo events on a new database, open POST /api/init_db (BOXOFFICE_DEMO, default on).") var demo: Bool?
    @Flag(help: "Log one line per request at info level (BOXOFFICE_LOG_REQUESTS).") var logRequests = false
    @Option(help: "Lowest log level: trace, debug, info, notice, warning, error (BOXOFFICE_LOG_LEVEL, default info).") var logLevel: String?

    func run() async throws {
        var flags = ServeConfiguration.Flags()
        flags.role = role
        flags.brokerURL = brokerURL
        flags.host = host
        flags.port = port
        flags.dataDirectory = dataDirectory
        flags.publicDirectory = publicDirectory
        flags.databaseURL = databaseURL
        flags.holdStrategy = holdStrategy
        flags.paymentsDatabaseURL = paymentsDatabaseURL
        flags.databasePoolSize = databasePoolSize
        flags.databaseTimeoutSeconds = databaseTimeout
        flags.paymentRetryAfterSeconds = paymentRetryAfter
        flags.allowedOrigins = allowedOrigins
        flags.shutdownTimeoutSeconds = shutdownTimeout
        flags.rateLimits = rateLimits
        flags.maxConnections = maxConnections
        flags.maxConnectionsPerAddress = maxConnectionsPerAddress
        flags.trustForwardedFor = trustForwardedFor ? true : nil
        flags.allowPrivateWebhooks = allowPrivateWebhooks ? true : nil
        flags.webhookRetryBaseMilliseconds = webhookRetryBase
        flags.webhookRetryWindowSeconds = webhookRetryWindow
        flags.webhookTimeoutMilliseconds = webhookTimeout
        flags.idleTimeoutSeconds = idleTimeout
        flags.headerTimeoutSeconds = headerTimeout
        flags.liveIntervalMilliseconds = liveInterval
        flags.liveFramesPerSecond = liveFramesPerSecond
        flags.demo = demo
        flags.logRequests = logRequests ? true : nil
        flags.logLevel = logLevel
        var configuration = try ServeConfiguration.resolve(flags: flags, environment: ProcessInfo.processInfo.environment)
        let logger = CommandLogging.bootstrap(level: configuration.logLevel)
        configuration.metrics = Observability.bootstrapPrometheus()
        let boxoffice = try await BoxofficeServer.build(configuration, logger: logger)
        try await boxoffice.run()
    }
}
