import Foundation
import PostgresNIO

/// How to reach a PostgreSQL database: parsed from a `postgres://user:password@host:port/database` URL.
public struct PostgresSettings: Sendable {
    /// The server's host name or address.
    public var host: String
    /// The server's port.
    public var port: Int
    /// The user to log in as.
    public var username: String
    /// The user's password, if any.
    public var password: String?
    /// The database name.
    public var database: String
    /// Whether to require TLS (`?sslmode=require`); off by default, as for a server on loopback.
    public var requireTLS: Bool
    /// The most connections the pool opens.
    public var poolSize: Int = 20
    /// How long one database operation may take before the request fails with 503.
    public var operationTimeout: Duration = .seconds(5)

    /// Parses a `postgres://` or `postgresql://` URL.
    /// - Throws: ``PostgresSettingsError`` naming what is missing or wrong.
    public init(url text: String) throws {
        guard let components = URLComponents(string: text), ["postgres", "postgresql"].contains(components.scheme ?? "") else {
            // The URL may hold a password: it is never repeated.
            throw PostgresSettingsError("The database URL must look like postgres://user:password@host:5432/database; the one given does not.")
        }
        guard let host = components.host, !host.isEmpty else { throw PostgresSettingsError("The database URL names no host.") }
        guard let user = components.user, !user.isEmpty else { throw PostgresSettingsError("The database URL names no user.") }
        let database = String(components.path.drop(while: { $0 == "/" }))
        guard !database.isEmpty else { throw PostgresSettingsError("The database URL names no database.") }
        self.host = host
        self.port = components.port ?? 5432
        self.username = user.removingPercentEncoding ?? user
        self.password = components.password.map { $0.removingPercentEncoding ?? $0 }
        self.database = database
        self.requireTLS = components.queryItems?.contains { $0.name == "sslmode" && $0.value == "require" } ?? false
    }

    /// The client configuration for these settings, with every connection's `search_path` set to `schema`.
    public func clientConfiguration(schema: String) -> PostgresClient.Configuration {
        var configuration = clientConfiguration
        configuration.options.additionalStartupParameters = [("options", "-c search_path=\(schema)")]
        return configuration
    }

    /// The client configuration for these settings.
    public var clientConfiguration: PostgresClient.Configuration {
        var configuration = PostgresClient.Configuration(
            host: host, port: port, username: username, password: password, database: database,
            tls: requireTLS ? .require(.makeClientConfiguration()) : .disable
        )
        configuration.options.maximumConnections = poolSize
        configuration.options.connectTimeout = operationTimeout
        return configuration
    }

    /// The URL without its password, for logs.
    public var redacted: String { "postgres://\(username)@\(host):\(port)/\(database)" }
}

/// A database URL that cannot be used.
public struct PostgresSettingsError: Error, CustomStringConvertible {
    /// What is wrong, in words.
    public let description: String

    init(_ description: String) {
        self.description = description
    }
}
