import BoxofficeDomain
import BoxofficeMessaging
import Foundation
import ServiceLifecycle

/// The booking service's consumer of payment outcomes: confirms or cancels bookings waiting for payment,
/// and asks for a refund when a payment succeeded for a booking that was given up.
public struct BookingPaymentConsumer: Service {
    /// The consumer's name in dead-letter stores.
    public static let consumer = "booking"

    private let engine: BookingEngine
    private let transport: any MessageTransport
    private let deadLetters: any DeadLetterStore
    private let creditRecorder: CreditRecorder?

    /// Records that a refund's money went back to the wallet, with the message in the inbox; answers the refund's
    /// booking when this call recorded it (nil for a repeat, or a refund unknown here).
    public typealias CreditRecorder = @Sendable (_ refund: UUID, _ message: UUID) async throws -> BookingID?

    /// Creates the consumer; `creditRecorder` takes the `payment.refunded` that answer refunds the back office asked for.
    public init(engine: BookingEngine, transport: any MessageTransport, deadLetters: any DeadLetterStore, creditRecorder: CreditRecorder? = nil) {
        self.engine = engine
        self.transport = transport
        self.deadLetters = deadLetters
        self.creditRecorder = creditRecorder
    }

    public func run() async throws {
        do {
            try await cancelWhenGracefulShutdown {
                try await transport.consume(
                    as: Self.consumer, types: [PaymentSucceeded.type, PaymentFailed.type, PaymentRefunded.type],
                    deadLetters: deadLetters, handler: handle
                )
            }
        } catch is CancellationError {
            return
        }
    }

    /// Processes one message, exactly once in effect.
    @Sendable
    public func handle(_ message: Message) async throws {
        let booking: BookingID
        let event: Int64?
        let succeeded: Bool
        switch message.type {
        case PaymentSucceeded.type:
            let outcome = try message.body(as: PaymentSucceeded.self)
            (booking, event, succeeded) = (BookingID(rawValue: outcome.bookingId), outcome.eventId, true)
        case PaymentFailed.type:
            let outcome = try message.body(as: PaymentFailed.self)
            (booking, event, succeeded) = (BookingID(rawValue: outcome.bookingId), outcome.eventId, false)
        case PaymentRefunded.type:
            let refunded = try message.body(as: PaymentRefunded.self)
            guard let refund = refunded.refundId, let creditRecorder else {
                _ = try await engine.recordProcessed(message.id)
                return
            }
            if let booking = try await creditRecorder(refund, message.id) {
                let current = try await engine.booking(booking)
                await engine.follow(
                    BookingStatusChange(bookingID: current.id, eventID: current.eventID, customer: current.userIdentifier, status: current.status),
                    inventoryChanged: false
                )
            }
            return
        default:
            return
        }
        guard try await engine.settle(booking, event: event.map(EventID.init(rawValue:)), confirmed: succeeded, message: message.id) != .settled else { return }
        if try await engine.resolveUnsettled(booking, paymentSucceeded: succeeded, message: message.id) == .stillPending {
            throw BookingNotLoaded(booking: booking)
        }
    }
}

/// A payment outcome arrived for a booking this process's memory does not know as waiting yet; it is
/// delivered again shortly, after the memory caught up.
struct BookingNotLoaded: Error, CustomStringConvertible {
    let booking: BookingID
    var description: String { "booking \(booking) is waiting for payment in the database but not yet in memory" }
}
