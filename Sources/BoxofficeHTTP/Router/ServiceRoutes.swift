import BoxofficeAuth
import BoxofficeBackOffice
import BoxofficeDomain
import BoxofficeEngine
import BoxofficePayments
import BoxofficeTickets
import BoxofficeWaitingRoom
import BoxofficeWebhooks

/// What the booking service's routes need: events, seats, bookings, `/api/ws`.
public struct BookingRoutes: Sendable {
    /// The engine.
    public var engine: BookingEngine
    /// Where holds go: the engine, or a benchmark's baseline in front of it.
    public var holds: any HoldPath
    /// Told of every booking status change this process hears of, so `pay` can wait for the outcome.
    public var waiters: BookingStatusWaiters
    /// Identities: signup, login, guests (`/api/auth/…`).
    public var auth: AuthService
    /// Events' waiting rooms and where they are kept; nil serves none.
    public var waitingRooms: (room: WaitingRoom, queues: any QueueStore)?
    /// Tickets and the door; nil serves none.
    public var tickets: TicketRoutes?
    /// The organizer's back office (orders, refunds); nil serves none.
    public var backOffice: BackOfficeRoutes?
    /// Webhooks, when the instance sends them.
    public var webhooks: WebhookRoutes?

    /// Creates the booking routes' parts; `holds` defaults to the engine.
    public init(
        engine: BookingEngine, holds: (any HoldPath)? = nil, waiters: BookingStatusWaiters, auth: AuthService,
        waitingRooms: (room: WaitingRoom, queues: any QueueStore)? = nil, tickets: TicketRoutes? = nil, backOffice: BackOfficeRoutes? = nil,
        webhooks: WebhookRoutes? = nil
    ) {
        self.webhooks = webhooks
        self.tickets = tickets
        self.backOffice = backOffice
        self.engine = engine
        self.holds = holds ?? engine
        self.waiters = waiters
        self.auth = auth
        self.waitingRooms = waitingRooms
    }

    /// Ready once the engine loaded its state.
    var readiness: ReadinessCheck { ReadinessCheck("the booking database") { [engine] in engine.isReady } }
}

/// What tickets and the door need: the office that issues tickets, the desk that checks them in, the door staff, and
/// where they are kept.
public struct TicketRoutes: Sendable {
    /// Where tickets' keys, new secrets, check-ins and door staff are kept.
    public var store: any TicketStore
    /// Each event's signing key.
    public var keyring: TicketKeyring
    /// Issues tickets with their secrets.
    public var office: TicketOffice
    /// Checks tickets in.
    public var desk: CheckinDesk
    /// Who may scan for which event.
    public var staff: StaffDirectory
    /// Accounts: tickets name their holder's email, and door staff are added by email.
    public var identities: any IdentityStore
    /// `boxoffice_checkins_total`, by event and result.
    let counters = CheckinCounters()

    /// The ticket routes' parts over one store.
    public init(store: any TicketStore, identities: any IdentityStore) {
        self.store = store
        self.identities = identities
        keyring = TicketKeyring(store: store)
        office = TicketOffice(store: store, keyring: keyring)
        desk = CheckinDesk(store: store, keyring: keyring)
        staff = StaffDirectory(store: store)
    }
}

/// What the back office needs: where refunds, histories and orders are kept.
public struct BackOfficeRoutes: Sendable {
    /// Refunds, refunded tickets, histories, orders.
    public var store: any BackOfficeStore
    /// Makes refunds and customers' cancellations.
    public var refunds: RefundDesk

    /// The back office's parts over one store.
    public init(store: any BackOfficeStore) {
        self.store = store
        refunds = RefundDesk(store: store)
    }
}

/// What the payment service's routes need: wallets, deposits, the ledger.
public struct PaymentRoutes: Sendable {
    /// The payment store.
    public var store: any PaymentStore
    /// Told of every deposit.
    public var live: (any LiveUpdatePublisher)?
    /// Whether the payment database is migrated and reachable.
    public var isReady: @Sendable () -> Bool

    /// Creates the payment routes' parts.
    public init(store: any PaymentStore, live: (any LiveUpdatePublisher)?, isReady: @escaping @Sendable () -> Bool) {
        self.store = store
        self.live = live
        self.isReady = isReady
    }

    /// Ready once the payment database is.
    var readiness: ReadinessCheck { ReadinessCheck("the payment database", isReady: isReady) }
}

/// The webhooks' parts.
public struct WebhookRoutes: Sendable {
    /// Endpoints and deliveries.
    public var store: any WebhookStore
    /// What registrations are checked against.
    public var addressGuard: WebhookAddressGuard
    /// How long a delivery sent again is tried, in seconds.
    public var retryWindow: Double

    /// Creates the parts.
    public init(store: any WebhookStore, addressGuard: WebhookAddressGuard, retryWindow: Double) {
        self.store = store
        self.addressGuard = addressGuard
        self.retryWindow = retryWindow
    }
}
