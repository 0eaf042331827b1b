import Foundation
import Logging

extension Logger {
    /// A logger for tests; set BOXOFFICE_TEST_LOG_LEVEL (for example `debug`) to see the client's log lines.
    static let test: Logger = {
        var logger = Logger(label: "boxoffice.amqp.tests")
        logger.logLevel = Environment.logLevel
        return logger
    }()
}

private enum Environment {
    static var logLevel: Logger.Level {
        guard let value = getenvString("BOXOFFICE_TEST_LOG_LEVEL"), let level = Logger.Level(rawValue: value) else {
            return .critical
        }
        return level
    }
}

func getenvString(_ name: String) -> String? {
    guard let value = getenv(name) else { return nil }
    return String(cString: value)
}
