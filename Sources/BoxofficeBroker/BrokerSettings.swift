import BoxofficeAMQP
import Foundation

/// How to reach the broker and how this process uses it.
public struct BrokerSettings: Sendable {
    /// The connection settings, from `--broker amqp://user:password@host:port/vhost`.
    public var amqp: AMQPConfiguration
    /// Names this process in the broker's connection list.
    public var instance: String
    /// The names of the exchanges and queues.
    public var topology = BrokerTopology()
    /// The most deliveries a consumer has unacknowledged at once.
    public var prefetch: UInt16 = 256
    /// How many deliveries of one consumer are processed at the same time.
    public var concurrency = 64
    /// How many times a message may fail before it is dead-lettered; the queues' `x-delivery-limit` too.
    public var deliveryLimit = 20

    /// Parses a broker URL.
    /// - Throws: ``BrokerSettingsError`` with a sentence that never contains the password.
    public init(url: String, instance: String = String(UUID().uuidString.prefix(8)).lowercased()) throws {
        do {
            amqp = try AMQPConfiguration(url: url)
        } catch {
            throw BrokerSettingsError(description: "The broker URL must look like amqp://user:password@host:5672/vhost (\(error.message)).")
        }
        self.instance = instance
    }

    /// The URL without its password, for logs.
    public var redacted: String { amqp.redacted }
}

/// A broker URL that cannot be used.
public struct BrokerSettingsError: Error, CustomStringConvertible {
    /// What is wrong, in words.
    public let description: String
}
