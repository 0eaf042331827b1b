import BoxofficeDomain
import Foundation
import Logging
import Metrics
import ServiceLifecycle

/// Asks the payment service again about bookings that have waited too long for their payment's outcome.
///
/// A `payment.requested` or its outcome can be lost for good: dead-lettered after failing for a reason of its
/// own, or deleted by an operator. Without an answer a booking would stay `payment_pending` forever, holding its
/// seats, and a charged customer would get neither a confirmation nor a refund. Every `interval`, each booking
/// waiting longer than `after` gets a new request; the payment service answers a booking it already decided with
/// the same outcome, charging nothing, and one it never saw is charged now. Several instances may run it: each
/// booking is asked about by one of them (the rows are claimed), and repeats would be harmless anyway.
public struct PaymentReconciler: Service {
    private let store: any BookingStore
    private let after: Duration
    private let interval: Duration
    private let now: @Sendable () -> Date
    private let logger: Logger

    /// The most bookings one pass asks about.
    static let batch = 500

    /// Creates a reconciler.
    /// - Parameters:
    ///   - after: how long a booking may wait for its outcome before it is asked about (and again after as long).
    ///   - interval: how often it looks.
    public init(store: any BookingStore, after: Duration = .seconds(30), interval: Duration = .seconds(5), now: @escaping @Sendable () -> Date = Date.init, logger: Logger) {
        self.store = store
        self.after = after
        self.interval = interval
        self.now = now
        self.logger = logger
    }

    /// Looks every `interval` until graceful shutdown.
    public func run() async throws {
        do {
            try await cancelWhenGracefulShutdown {
                while true {
                    try await Task.sleep(for: interval)
                    _ = await reconcileOnce()
                }
            }
        } catch is CancellationError {
            return
        }
    }

    /// One pass: asks about every booking waiting longer than `after`, a batch at a time.
    /// - Returns: how many bookings were asked about.
    public func reconcileOnce() async -> Int {
        let at = now()
        let cutoff = at.addingTimeInterval(-Double(after.components.seconds) - Double(after.components.attoseconds) / 1e18)
        var asked = 0
        do {
            while true {
                let ids = try await store.requestPaymentsAgain(waitingSince: cutoff, at: at, limit: Self.batch)
                asked += ids.count
                if ids.count < Self.batch { break }
            }
        } catch {
            logger.warning("could not look for bookings waiting for their payment: \(String(reflecting: error)); trying again in \(interval)")
        }
        if asked > 0 {
            Counter(label: "boxoffice_payments_asked_again_total").increment(by: asked)
            logger.notice("asked the payment service again about \(asked) bookings waiting longer than \(after) for their payment")
        }
        return asked
    }
}
