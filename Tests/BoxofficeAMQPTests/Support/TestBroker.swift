@testable import BoxofficeAMQP
import Foundation
import Logging
import NIOPosix

/// The real RabbitMQ node that `scripts/test` starts, described by environment variables.
enum TestBroker {
    /// `BOXOFFICE_TEST_AMQP_URL`, for example `amqp://boxoffice:boxoffice@127.0.0.1:5672/%2f`.
    static let url = getenvString("BOXOFFICE_TEST_AMQP_URL")
    /// `BOXOFFICE_REQUIRE_RABBITMQ=1` turns a missing broker into a failure instead of a skip.
    static let isRequired = getenvString("BOXOFFICE_REQUIRE_RABBITMQ") == "1"
    /// Whether the integration tests run (they then fail when the URL is missing).
    static let isEnabled = url != nil || isRequired

    /// The broker's configuration, with a unique connection name.
    static func configuration(_ name: String = "boxoffice-test") throws -> AMQPConfiguration {
        guard let url else {
            throw FakeBrokerError("BOXOFFICE_REQUIRE_RABBITMQ=1 but BOXOFFICE_TEST_AMQP_URL is not set")
        }
        var configuration = try AMQPConfiguration(url: url)
        configuration.connectionName = "\(name)-\(UUID().uuidString.prefix(8))"
        return configuration
    }

    static func connect(_ configuration: AMQPConfiguration) async throws -> AMQPConnection {
        try await AMQPConnection.connect(configuration, on: MultiThreadedEventLoopGroup.singleton, logger: .test)
    }

    static func connect(_ name: String = "boxoffice-test") async throws -> AMQPConnection {
        try await self.connect(try self.configuration(name))
    }

    /// Runs `rabbitmq_ctl` from scripts/rabbitmq.sh against the node in `BOXOFFICE_TEST_RABBITMQ_DIR`.
    @discardableResult
    static func ctl(_ arguments: String...) throws -> String {
        guard let directory = getenvString("BOXOFFICE_TEST_RABBITMQ_DIR") else {
            throw FakeBrokerError("BOXOFFICE_TEST_RABBITMQ_DIR is not set")
        }
        let script = URL(fileURLWithPath: #filePath)
            .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("scripts/lib/rabbitmq.sh").path
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/bash")
        process.arguments = ["-c", "source \"$0\" && rabbitmq_ctl \"$@\"", script, directory] + arguments
        let output = Pipe()
        process.standardOutput = output
        process.standardError = output
        try process.run()
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        let text = String(decoding: data, as: UTF8.self)
        guard process.terminationStatus == 0 else {
            throw FakeBrokerError("rabbitmqctl \(arguments.joined(separator: " ")) failed: \(text)")
        }
        return text
    }

    /// A unique name for a queue or exchange.
    static func uniqueName(_ prefix: String) -> String {
        "boxoffice.test.\(prefix).\(UUID().uuidString.prefix(8))"
    }
}
