import Foundation
import Logging

/// Writes log lines to standard error, formatting metadata only when a line is written.
///
/// swift-log's `StreamLogHandler` renders its metadata every time metadata is set. The HTTP server sets a
/// request id on every request's logger, so with it each request paid for rendering text that, below the
/// error level, was never written.
struct StandardErrorLogHandler: LogHandler {
    /// The name of the logger.
    let label: String
    var logLevel: Logger.Level = .info
    var metadata: Logger.Metadata = [:]
    var metadataProvider: Logger.MetadataProvider?

    subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    func log(event: LogEvent) {
        var merged = metadataProvider?.get() ?? [:]
        merged.merge(metadata) { _, own in own }
        if let extra = event.metadata { merged.merge(extra) { _, given in given } }
        if let error = event.error { merged["error"] = "\(String(reflecting: error))" }
        let fields = merged.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: " ")
        let line = "\(Date().formatted(.iso8601)) \(event.level) \(label) :\(fields.isEmpty ? "" : " \(fields)") [\(event.source)] \(event.message)\n"
        FileHandle.standardError.write(Data(line.utf8))
    }
}
