import Logging

/// Sets up process-wide logging for a command.
enum CommandLogging {
    static func bootstrap(level: Logger.Level) -> Logger {
        LoggingSystem.bootstrap { label in
            var handler = StandardErrorLogHandler(label: label)
            handler.logLevel = level
            return handler
        }
        var logger = Logger(label: "boxoffice")
        logger.logLevel = level
        return logger
    }
}
