import BoxofficeDomain
import BoxofficeMessaging
import Foundation
import Logging
import ServiceLifecycle

/// The payment service's consumer: takes `payment.requested`, `refund.requested` and `tokens.revoked` from the transport.
public struct PaymentProcessor: Service {
    /// The consumer's name in inboxes and dead-letter stores.
    public static let consumer = "payments"

    private let store: any PaymentStore
    private let batcher: PaymentBatcher
    private let transport: any MessageTransport
    private let wakeup: Wakeup
    private let live: (any LiveUpdatePublisher)?
    private let revoked: @Sendable ([TokenRevocation]) -> Void
    private let now: @Sendable () -> Date
    private let logger: Logger

    /// Creates the processor; `wakeup` is rung after each transaction that wrote to the outbox, `live`
    /// is told the wallet's balance after each charge or refund, and `revoked` each revocation once recorded.
    public init(
        store: any PaymentStore, transport: any MessageTransport, wakeup: Wakeup, live: (any LiveUpdatePublisher)? = nil,
        revoked: @escaping @Sendable ([TokenRevocation]) -> Void = { _ in }, now: @escaping @Sendable () -> Date = Date.init,
        logger: Logger = Logger(label: "boxoffice.payments")
    ) {
        self.logger = logger
        self.revoked = revoked
        self.store = store
        self.batcher = PaymentBatcher(store: store, now: now)
        self.transport = transport
        self.wakeup = wakeup
        self.live = live
        self.now = now
    }

    public func run() async throws {
        do {
            try await cancelWhenGracefulShutdown {
                try await transport.consume(
                    as: Self.consumer, types: [PaymentRequested.type, RefundRequested.type, TokensRevoked.type], deadLetters: store,
                    handler: handle
                )
            }
        } catch is CancellationError {
            return
        }
    }

    /// Processes one message, exactly once in effect; payment requests that arrive together are charged in one
    /// transaction.
    @Sendable
    public func handle(_ message: Message) async throws {
        switch message.type {
        case PaymentRequested.type:
            let effect = try await batcher.pay(PaymentRequest(try message.body(as: PaymentRequested.self), message: message.id))
            tell(effect)
        case RefundRequested.type:
            let request = try message.body(as: RefundRequested.self)
            let effect = try await store.handle(request, message: message.id, at: now())
            if let effect, effect.payment == nil, let refund = request.refundId {
                // The booking service keeps such a refund pending: someone has to look.
                logger.error("refund \(refund) of booking \(request.bookingId) was not made: no succeeded payment, or more than is left of it")
            }
            tell(effect)
        case TokensRevoked.type:
            if let revocation = try await store.handle(try message.body(as: TokensRevoked.self), message: message.id, at: now()) { revoked([revocation]) }
        default:
            return
        }
    }

    /// Wakes the relay for the outcome just written, and tells the wallet's owner its balance when money moved.
    private func tell(_ effect: PaymentEffect?) {
        guard let effect else { return }
        wakeup.ring()
        if let live, let wallet = effect.wallet { live.publish(.wallet(WalletChange(wallet))) }
    }
}
