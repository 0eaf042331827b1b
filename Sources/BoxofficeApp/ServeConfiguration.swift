import BoxofficeBaselines
import BoxofficeBroker
import BoxofficeHTTP
import BoxofficePostgres
import Foundation
import Logging

/// Everything `boxoffice serve` can be told, resolved from flags, then `BOXOFFICE_*` variables, then defaults.
public struct ServeConfiguration: Sendable {
    /// Which services this process runs; `booking` and `payments` need a broker.
    public var role: ServeRole = .all
    /// The broker between the services (`amqp://user:password@host:port/vhost`); nil: the in-process transport,
    /// for role `all` only.
    public var brokerURL: String?
    /// The address to listen on.
    public var host: String = "127.0.0.1"
    /// The port to listen on.
    public var port: Int = 8080
    /// Where the SQLite files and the generated organizer token live.
    public var dataDirectory: String = "./data"
    /// The booking database: nil for the embedded SQLite file, or a `postgres://` URL.
    public var databaseURL: String?
    /// The payment service's database: a `postgres://` URL; nil for its own SQLite file, or for the booking
    /// database's server (schema `payments`) when that is PostgreSQL.
    public var paymentsDatabaseURL: String?
    /// The most PostgreSQL connections one instance opens.
    public var databasePoolSize: Int = 20
    /// How long one database operation may take before its request fails with 503, in seconds.
    public var databaseTimeoutSeconds: Int = 5
    /// How long a booking may wait for its payment's outcome before the payment service is asked again, in seconds.
    public var paymentRetryAfterSeconds: Int = 30
    /// How long a graceful shutdown may take before what is left is cancelled, in seconds.
    public var shutdownTimeoutSeconds: Int = 10
    /// Whether webhooks may be sent to loopback and private addresses (tests, a private deployment).
    public var allowPrivateWebhooks = false
    /// How long a webhook delivery waits after its first failure (then twice as long each time, up to an hour), in milliseconds.
    public var webhookRetryBaseMilliseconds = 10_000
    /// How long a webhook delivery is tried before it is parked, in seconds.
    public var webhookRetryWindowSeconds = 86_400
    /// How long one webhook attempt may take before it counts as failed, in milliseconds.
    public var webhookTimeoutMilliseconds = 10_000
    /// How long a connection may send nothing (mid-request or between requests) before it is closed, and how
    /// long a request body may take in all, in seconds.
    public var idleTimeoutSeconds: Int = 30
    /// How long a request head may take to arrive whole, from the connection's accept or its first byte, in seconds.
    public var headerTimeoutSeconds: Int = 10
    /// The organizer's bearer token; generated and stored in the data directory when absent.
    public var organizerToken: String?
    /// The key access tokens are signed with (at least 32 bytes); generated and stored in the data directory when
    /// absent. Processes that serve one cluster must share it.
    public var authSecret: String?
    /// Web origins besides the server's own that may call the API and open live sockets from a browser.
    public var allowedOrigins: [String] = []
    /// How often each kind of write may be made, per identity and per address.
    public var rateLimits = RateLimits.standard
    /// The most open connections in all.
    public var maxConnections = 16_384
    /// The most open connections from one address.
    public var maxConnectionsPerAddress = 4_096
    /// Whether connections come through a gateway that appends the client's address to `X-Forwarded-For`.
    public var trustForwardedFor = false
    /// Demo mode: demo events on an empty database, and `POST /api/init_db` open to everyone.
    public var demo: Bool = true
    /// Whether to log one line per request at info level.
    public var logRequests: Bool = false
    /// The lowest level logged.
    public var logLevel: Logger.Level = .info
    /// How holds reach the database; the baselines are for benchmarks only.
    public var holdStrategy: HoldStrategy = .batched
    /// The web app's static files, served at `/`; a relative path starts at the working directory.
    public var publicDirectory: String = "public"
    /// What one live client may cost, and how often a busy event's subscribers hear of it.
    public var liveLimits = LiveHub.Limits()
    /// Renders metrics for `GET /metrics` (see ``Observability``); nil serves none.
    public var metrics: (@Sendable () -> String)?

    /// The defaults.
    public init() {}

    /// The flags a user typed; nil means "not given".
    public struct Flags: Sendable {
        /// `--role`.
        public var role: String?
        /// `--broker`.
        public var brokerURL: String?
        /// `--host`.
        public var host: String?
        /// `--port`.
        public var port: Int?
        /// `--data-dir`.
        public var dataDirectory: String?
        /// `--demo` / `--no-demo`.
        public var demo: Bool?
        /// `--log-requests`.
        public var logRequests: Bool?
        /// `--log-level`.
        public var logLevel: String?
        /// `--database`.
        public var databaseURL: String?
        /// `--hold-strategy`.
        public var holdStrategy: String?
        /// `--payments-database`.
        public var paymentsDatabaseURL: String?
        /// `--database-pool-size`.
        public var databasePoolSize: Int?
        /// `--database-timeout`.
        public var databaseTimeoutSeconds: Int?
        /// `--public-dir`.
        public var publicDirectory: String?
        /// `--payment-retry-after`, in seconds.
        public var paymentRetryAfterSeconds: Int?
        /// `--allowed-origins`, comma-separated.
        public var allowedOrigins: String?
        /// `--rate-limit`.
        public var rateLimits: String?
        /// `--max-connections`.
        public var maxConnections: Int?
        /// `--max-connections-per-address`.
        public var maxConnectionsPerAddress: Int?
        /// `--trust-forwarded-for`.
        public var trustForwardedFor: Bool?
        /// `--shutdown-timeout`, in seconds.
        public var shutdownTimeoutSeconds: Int?
        /// `--allow-private-webhooks`.
        public var allowPrivateWebhooks: Bool?
        /// `--webhook-retry-base-ms`.
        public var webhookRetryBaseMilliseconds: Int?
        /// `--webhook-retry-window`, in seconds.
        public var webhookRetryWindowSeconds: Int?
        /// `--webhook-timeout-ms`.
        public var webhookTimeoutMilliseconds: Int?
        /// `--idle-timeout`, in seconds.
        public var idleTimeoutSeconds: Int?
        /// `--header-timeout`, in seconds.
        public var headerTimeoutSeconds: Int?
        /// `--live-interval`, in milliseconds.
        public var liveIntervalMilliseconds: Int?
        /// `--live-frames-per-second`.
        public var liveFramesPerSecond: Int?

        /// No flags.
        public init() {}
    }

    /// The shortest organizer token accepted: a token anyone could guess would be the organizer's.
    public static let organizerTokenMinimum = 16

    /// Resolves each setting from its flag, else its environment variable, else the default.
    /// - Throws: ``ConfigurationError`` naming a value that cannot be used.
    public static func resolve(flags: Flags, environment: [String: String]) throws -> ServeConfiguration {
        var configuration = ServeConfiguration()
        if let role = flags.role ?? environment["BOXOFFICE_ROLE"] {
            guard let parsed = ServeRole(rawValue: role) else {
                throw ConfigurationError("Unknown role \"\(role)\"; use all, booking or payments.")
            }
            configuration.role = parsed
        }
        configuration.brokerURL = flags.brokerURL ?? environment["BOXOFFICE_BROKER_URL"].flatMap { $0.isEmpty ? nil : $0 }
        if let url = configuration.brokerURL {
            do {
                _ = try BrokerSettings(url: url)
            } catch {
                throw ConfigurationError(String(describing: error))
            }
        }
        configuration.host = flags.host ?? environment["BOXOFFICE_HOST"] ?? configuration.host
        let environmentPort = try environment["BOXOFFICE_PORT"].map { try parseInt($0, name: "BOXOFFICE_PORT") }
        if let port = flags.port ?? environmentPort {
            guard (0 ... 65_535).contains(port) else { throw ConfigurationError("The port must be between 0 and 65535, not \(port).") }
            configuration.port = port
        }
        configuration.dataDirectory = flags.dataDirectory ?? environment["BOXOFFICE_DATA_DIR"] ?? configuration.dataDirectory
        configuration.publicDirectory = flags.publicDirectory ?? environment["BOXOFFICE_PUBLIC_DIR"] ?? configuration.publicDirectory
        configuration.organizerToken = environment["BOXOFFICE_ORGANIZER_TOKEN"].flatMap { $0.isEmpty ? nil : $0 }
        if let token = configuration.organizerToken, token.utf8.count < Self.organizerTokenMinimum {
            throw ConfigurationError(
                "BOXOFFICE_ORGANIZER_TOKEN must have at least \(Self.organizerTokenMinimum) bytes; this one has \(token.utf8.count). Leave it out to have one generated."
            )
        }
        configuration.authSecret = environment["BOXOFFICE_AUTH_SECRET"].flatMap { $0.isEmpty ? nil : $0 }
        if let secret = configuration.authSecret, secret.utf8.count < 32 {
            throw ConfigurationError("BOXOFFICE_AUTH_SECRET must have at least 32 bytes; this one has \(secret.utf8.count).")
        }
        if configuration.role != .all, configuration.authSecret == nil {
            throw ConfigurationError(
                "Role \(configuration.role.rawValue) verifies tokens another process signs: give every process of the cluster the same BOXOFFICE_AUTH_SECRET (at least 32 bytes)."
            )
        }
        let origins = flags.allowedOrigins ?? environment["BOXOFFICE_ALLOWED_ORIGINS"]
        configuration.allowedOrigins = origins.map { $0.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty } } ?? []
        configuration.databaseURL = flags.databaseURL ?? environment["BOXOFFICE_DATABASE_URL"].flatMap { $0.isEmpty ? nil : $0 }
        configuration.paymentsDatabaseURL = flags.paymentsDatabaseURL ?? environment["BOXOFFICE_PAYMENTS_DATABASE_URL"].flatMap { $0.isEmpty ? nil : $0 }
        if let strategy = flags.holdStrategy ?? environment["BOXOFFICE_HOLD_STRATEGY"] {
            guard let parsed = HoldStrategy(rawValue: strategy) else {
                throw ConfigurationError("Unknown hold strategy \"\(strategy)\"; use batched, baseline-lock or baseline-update.")
            }
            configuration.holdStrategy = parsed
        }
        let poolSize = try environment["BOXOFFICE_DATABASE_POOL_SIZE"].map { try parseInt($0, name: "BOXOFFICE_DATABASE_POOL_SIZE") }
        configuration.databasePoolSize = flags.databasePoolSize ?? poolSize ?? configuration.databasePoolSize
        guard (1 ... 1_000).contains(configuration.databasePoolSize) else {
            throw ConfigurationError("The database pool size must be between 1 and 1000, not \(configuration.databasePoolSize).")
        }
        let timeout = try environment["BOXOFFICE_DATABASE_TIMEOUT"].map { try parseInt($0, name: "BOXOFFICE_DATABASE_TIMEOUT") }
        configuration.databaseTimeoutSeconds = flags.databaseTimeoutSeconds ?? timeout ?? configuration.databaseTimeoutSeconds
        guard (1 ... 600).contains(configuration.databaseTimeoutSeconds) else {
            throw ConfigurationError("The database timeout must be between 1 and 600 seconds, not \(configuration.databaseTimeoutSeconds).")
        }
        let retryAfter = try environment["BOXOFFICE_PAYMENT_RETRY_AFTER"].map { try parseInt($0, name: "BOXOFFICE_PAYMENT_RETRY_AFTER") }
        configuration.paymentRetryAfterSeconds = flags.paymentRetryAfterSeconds ?? retryAfter ?? configuration.paymentRetryAfterSeconds
        guard (1 ... 86_400).contains(configuration.paymentRetryAfterSeconds) else {
            throw ConfigurationError("The payment retry delay must be between 1 and 86400 seconds, not \(configuration.paymentRetryAfterSeconds).")
        }
        configuration.allowPrivateWebhooks = flags.allowPrivateWebhooks ?? (environment["BOXOFFICE_ALLOW_PRIVATE_WEBHOOKS"].map { ["1", "true", "yes"].contains($0.lowercased()) } ?? false)
        let retryBase = try environment["BOXOFFICE_WEBHOOK_RETRY_BASE_MS"].map { try parseInt($0, name: "BOXOFFICE_WEBHOOK_RETRY_BASE_MS") }
        configuration.webhookRetryBaseMilliseconds = flags.webhookRetryBaseMilliseconds ?? retryBase ?? configuration.webhookRetryBaseMilliseconds
        guard (10 ... 3_600_000).contains(configuration.webhookRetryBaseMilliseconds) else {
            throw ConfigurationError("The webhook retry base must be between 10 and 3600000 milliseconds, not \(configuration.webhookRetryBaseMilliseconds).")
        }
        let retryWindow = try environment["BOXOFFICE_WEBHOOK_RETRY_WINDOW"].map { try parseInt($0, name: "BOXOFFICE_WEBHOOK_RETRY_WINDOW") }
        configuration.webhookRetryWindowSeconds = flags.webhookRetryWindowSeconds ?? retryWindow ?? configuration.webhookRetryWindowSeconds
        guard (1 ... 30 * 86_400).contains(configuration.webhookRetryWindowSeconds) else {
            throw ConfigurationError("The webhook retry window must be between 1 and 2592000 seconds, not \(configuration.webhookRetryWindowSeconds).")
        }
        let webhookTimeout = try environment["BOXOFFICE_WEBHOOK_TIMEOUT_MS"].map { try parseInt($0, name: "BOXOFFICE_WEBHOOK_TIMEOUT_MS") }
        configuration.webhookTimeoutMilliseconds = flags.webhookTimeoutMilliseconds ?? webhookTimeout ?? configuration.webhookTimeoutMilliseconds
        guard (100 ... 60_000).contains(configuration.webhookTimeoutMilliseconds) else {
            throw ConfigurationError("The webhook timeout must be between 100 and 60000 milliseconds, not \(configuration.webhookTimeoutMilliseconds).")
        }
        let shutdown = try environment["BOXOFFICE_SHUTDOWN_TIMEOUT"].map { try parseInt($0, name: "BOXOFFICE_SHUTDOWN_TIMEOUT") }
        configuration.shutdownTimeoutSeconds = flags.shutdownTimeoutSeconds ?? shutdown ?? configuration.shutdownTimeoutSeconds
        guard (1 ... 600).contains(configuration.shutdownTimeoutSeconds) else {
            throw ConfigurationError("The shutdown timeout must be between 1 and 600 seconds, not \(configuration.shutdownTimeoutSeconds).")
        }
        let idle = try environment["BOXOFFICE_IDLE_TIMEOUT"].map { try parseInt($0, name: "BOXOFFICE_IDLE_TIMEOUT") }
        configuration.idleTimeoutSeconds = flags.idleTimeoutSeconds ?? idle ?? configuration.idleTimeoutSeconds
        guard (1 ... 3_600).contains(configuration.idleTimeoutSeconds) else {
            throw ConfigurationError("The idle timeout must be between 1 and 3600 seconds, not \(configuration.idleTimeoutSeconds).")
        }
        let header = try environment["BOXOFFICE_HEADER_TIMEOUT"].map { try parseInt($0, name: "BOXOFFICE_HEADER_TIMEOUT") }
        configuration.headerTimeoutSeconds = flags.headerTimeoutSeconds ?? header ?? configuration.headerTimeoutSeconds
        guard (1 ... 600).contains(configuration.headerTimeoutSeconds) else {
            throw ConfigurationError("The header timeout must be between 1 and 600 seconds, not \(configuration.headerTimeoutSeconds).")
        }
        if let limits = flags.rateLimits ?? environment["BOXOFFICE_RATE_LIMITS"] {
            do {
                configuration.rateLimits = try RateLimits(parsing: limits)
            } catch let error as InvalidRateLimit {
                throw ConfigurationError(error.description)
            }
        }
        let connections = try environment["BOXOFFICE_MAX_CONNECTIONS"].map { try parseInt($0, name: "BOXOFFICE_MAX_CONNECTIONS") }
        configuration.maxConnections = flags.maxConnections ?? connections ?? configuration.maxConnections
        let perAddress = try environment["BOXOFFICE_MAX_CONNECTIONS_PER_ADDRESS"].map { try parseInt($0, name: "BOXOFFICE_MAX_CONNECTIONS_PER_ADDRESS") }
        configuration.maxConnectionsPerAddress = flags.maxConnectionsPerAddress ?? perAddress ?? configuration.maxConnectionsPerAddress
        guard (1 ... 1_000_000).contains(configuration.maxConnections), (1 ... configuration.maxConnections).contains(configuration.maxConnectionsPerAddress) else {
            throw ConfigurationError(
                "The connection caps must be between 1 and 1000000, the one per address at most the total; not \(configuration.maxConnections) and \(configuration.maxConnectionsPerAddress)."
            )
        }
        let forwarded = try environment["BOXOFFICE_TRUST_FORWARDED_FOR"].map { try parseBool($0, name: "BOXOFFICE_TRUST_FORWARDED_FOR") }
        configuration.trustForwardedFor = flags.trustForwardedFor ?? forwarded ?? configuration.trustForwardedFor
        let interval = try environment["BOXOFFICE_LIVE_INTERVAL"].map { try parseInt($0, name: "BOXOFFICE_LIVE_INTERVAL") }
        if let milliseconds = flags.liveIntervalMilliseconds ?? interval {
            guard (10 ... 10_000).contains(milliseconds) else {
                throw ConfigurationError("The live update interval must be between 10 and 10000 milliseconds, not \(milliseconds).")
            }
            configuration.liveLimits.flushInterval = .milliseconds(milliseconds)
        }
        let frames = try environment["BOXOFFICE_LIVE_FRAMES_PER_SECOND"].map { try parseInt($0, name: "BOXOFFICE_LIVE_FRAMES_PER_SECOND") }
        if let frames = flags.liveFramesPerSecond ?? frames {
            guard (100 ... 10_000_000).contains(frames) else {
                throw ConfigurationError("The live frames per second must be between 100 and 10000000, not \(frames).")
            }
            configuration.liveLimits.framesPerSecond = frames
        }
        let demo = try environment["BOXOFFICE_DEMO"].map { try parseBool($0, name: "BOXOFFICE_DEMO") }
        configuration.demo = flags.demo ?? demo ?? configuration.demo
        let logRequests = try environment["BOXOFFICE_LOG_REQUESTS"].map { try parseBool($0, name: "BOXOFFICE_LOG_REQUESTS") }
        configuration.logRequests = flags.logRequests ?? logRequests ?? configuration.logRequests
        if let level = flags.logLevel ?? environment["BOXOFFICE_LOG_LEVEL"] {
            guard let parsed = Logger.Level(rawValue: level.lowercased()) else {
                throw ConfigurationError("Unknown log level \"\(level)\"; use trace, debug, info, notice, warning, error or critical.")
            }
            configuration.logLevel = parsed
        }
        return configuration
    }

    /// The PostgreSQL settings of a URL, with this configuration's pool size and timeout.
    func postgresSettings(_ url: String) throws -> PostgresSettings {
        var settings = try PostgresSettings(url: url)
        settings.poolSize = databasePoolSize
        settings.operationTimeout = .seconds(databaseTimeoutSeconds)
        return settings
    }

    private static func parseInt(_ text: String, name: String) throws -> Int {
        guard let value = Int(text) else { throw ConfigurationError("\(name) must be a number, not \"\(text)\".") }
        return value
    }

    private static func parseBool(_ text: String, name: String) throws -> Bool {
        switch text.lowercased() {
        case "1", "true", "yes", "on": return true
        case "0", "false", "no", "off": return false
        default: throw ConfigurationError("\(name) must be true or false, not \"\(text)\".")
        }
    }
}

/// A configuration value that cannot be used.
public struct ConfigurationError: Error, CustomStringConvertible {
    /// What is wrong, in words.
    public let description: String

    /// Creates an error.
    public init(_ description: String) {
        self.description = description
    }
}
