import BoxofficeBackOffice
import BoxofficeDomain
import BoxofficeEngine
import Foundation
import Logging
import ServiceLifecycle

/// Adds this instance's holds refused for taken seats, per event, to the database's count of the minute, every few
/// seconds: the sales chart's conflicts are every instance's. What a crash catches between two writes is lost from the
/// chart (it is a chart, not money); a write that fails is tried again with the next.
struct SalesRollupWriter: Service {
    let store: any BackOfficeStore
    let engine: BookingEngine
    let now: @Sendable () -> Date
    let logger: Logger
    /// How often the counts are written.
    let interval: Duration

    func run() async throws {
        do {
            try await cancelWhenGracefulShutdown {
                var unwritten: [EventID: Int] = [:]
                while true {
                    try await Task.sleep(for: interval)
                    unwritten.merge(engine.takeConflicts(), uniquingKeysWith: +)
                    guard !unwritten.isEmpty else { continue }
                    let moment = now().timeIntervalSince1970
                    do {
                        try await store.addConflicts(unwritten, minute: Date(timeIntervalSince1970: moment - moment.truncatingRemainder(dividingBy: 60)))
                        unwritten = [:]
                    } catch {
                        logger.debug("could not write the conflicts of the minute: \(String(reflecting: error))")
                    }
                }
            }
        } catch is CancellationError {
            return
        }
    }
}
