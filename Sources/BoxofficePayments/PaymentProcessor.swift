import BoxofficeDomain
import BoxofficeMessaging
import Foundation
import Logging
import ServiceLifecycle

/// The payment service's consumer: takes `payment.requested` and `refund.requested` from the transport.
public struct PaymentProcessor: Service {
    /// The consumer's name in inboxes and dead-letter stores.
    public static let consumer = "payments"

    private let store: any PaymentStore
    private let transport: any MessageTransport
    private let wakeup: Wakeup
    private let live: (any LiveUpdatePublisher)?
    private let now: @Sendable () -> Date

    /// Creates the processor; `wakeup` is rung after each transaction that wrote to the outbox, and `live`
    /// is told the wallet's balance after each charge or refund.
    public init(
        store: any PaymentStore, transport: any MessageTransport, wakeup: Wakeup, live: (any LiveUpdatePublisher)? = nil,
        now: @escaping @Sendable () -> Date = Date.init
    ) {
        self.store = store
        self.transport = transport
        self.wakeup = wakeup
        self.live = live
        self.now = now
    }

    public func run() async throws {
        do {
            try await cancelWhenGracefulShutdown {
                try await transport.consume(
                    as: Self.consumer, types: [PaymentRequested.type, RefundRequested.type], deadLetters: store,
                    handler: handle
                )
            }
        } catch is CancellationError {
            return
        }
    }

    /// Processes one message, exactly once in effect.
    @Sendable
    public func handle(_ message: Message) async throws {
        switch message.type {
        case PaymentRequested.type:
            let request = try message.body(as: PaymentRequested.self)
            guard try await store.handle(request, message: message.id, at: now()) else { return }
            wakeup.ring()
            tellBalance(of: try await store.account(forUser: request.userIdentifier))
        case RefundRequested.type:
            let request = try message.body(as: RefundRequested.self)
            guard try await store.handle(request, message: message.id, at: now()) else { return }
            wakeup.ring()
            guard let account = try await store.payment(for: request.bookingId)?.accountID else { return }
            tellBalance(of: try await store.account(account))
        default:
            return
        }
    }

    private func tellBalance(of account: Account?) {
        guard let live, let account else { return }
        live.publish(.wallet(WalletChange(account)))
    }
}
