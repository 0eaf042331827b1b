import BoxofficeDomain
import BoxofficeEngine
import BoxofficeMessaging
import BoxofficePayments
import BoxofficePostgres
import BoxofficeSQLite
import BoxofficeTestSupport
import Foundation
import Logging
import PostgresNIO

/// Both services on fresh databases of one backend, wired through an in-process transport, with the
/// relays driven by the test (so it decides when messages travel, and can make them travel twice).
struct FlowHarness: Sendable {
    let database: TestDatabase
    let bookings: any BookingStore & OutboxStore & DeadLetterStore & MessageArchive
    let payments: any PaymentStore
    let engine: BookingEngine
    let transport: InProcessTransport
    let processor: PaymentProcessor
    let consumer: BookingPaymentConsumer
    private let close: @Sendable () async throws -> Void

    static let now = Date()

    /// Runs `body` on a fresh harness and closes it afterwards, also when `body` throws.
    static func with(_ backend: TestBackend, _ body: (FlowHarness) async throws -> Void) async throws {
        let harness = try await make(backend)
        do {
            try await body(harness)
        } catch {
            try? await harness.close()
            throw error
        }
        try await harness.close()
    }

    private static func make(_ backend: TestBackend) async throws -> FlowHarness {
        var logger = Logger(label: "flow")
        logger.logLevel = .critical
        let database = try await TestDatabase.make(backend)
        let bookings: any BookingStore & OutboxStore & DeadLetterStore & MessageArchive
        let payments: any PaymentStore
        var closers: [@Sendable () async throws -> Void] = []
        switch backend {
        case .sqlite:
            let bookingFile = try await SQLiteDatabaseFile.open(path: database.sqlitePath, logger: logger)
            let paymentFile = try await SQLiteDatabaseFile.open(path: database.paymentsSQLitePath, logger: logger)
            let bookingStore = SQLiteBookingStore(database: bookingFile)
            let paymentStore = SQLitePaymentStore(database: paymentFile)
            try await bookingStore.migrate(logger: logger)
            try await paymentStore.migrate(logger: logger)
            (bookings, payments) = (bookingStore, paymentStore)
            closers = [{ try await bookingFile.close() }, { try await paymentFile.close() }]
        case .postgres:
            let settings = try PostgresSettings(url: database.url ?? "")
            let bookingClient = PostgresClient(configuration: settings.clientConfiguration, backgroundLogger: logger)
            let paymentClient = PostgresClient(configuration: settings.clientConfiguration(schema: PostgresPaymentSchema.name), backgroundLogger: logger)
            let running = [Task { await bookingClient.run() }, Task { await paymentClient.run() }]
            let paymentStore = PostgresPaymentStore(client: paymentClient, timeout: .seconds(10), logger: logger)
            try await paymentStore.migrate()
            (bookings, payments) = (PostgresBookingStore(client: bookingClient, timeout: .seconds(10), logger: logger), paymentStore)
            closers = [{ for task in running { task.cancel() } }]
        }
        let engine = BookingEngine(store: bookings, logger: logger)
        try await engine.start(demoEvents: [DemoCatalog.concert(now: now)])
        let transport = InProcessTransport(maxAttempts: 3, retryDelay: .milliseconds(5), logger: logger)
        let processor = PaymentProcessor(store: payments, transport: transport, wakeup: Wakeup())
        let consumer = BookingPaymentConsumer(engine: engine, transport: transport, deadLetters: bookings)
        let consumers = [
            Task { try await transport.consume(as: PaymentProcessor.consumer, types: [PaymentRequested.type, RefundRequested.type], deadLetters: payments, handler: processor.handle) },
            Task { try await transport.consume(as: BookingPaymentConsumer.consumer, types: [PaymentSucceeded.type, PaymentFailed.type, PaymentRefunded.type], deadLetters: bookings, handler: consumer.handle) },
        ]
        try await Task.sleep(for: .milliseconds(20))
        let closeAll = closers
        return FlowHarness(
            database: database, bookings: bookings, payments: payments, engine: engine, transport: transport,
            processor: processor, consumer: consumer,
            close: {
                for task in consumers { task.cancel() }
                for close in closeAll { try await close() }
                database.remove()
            }
        )
    }

    private func close() async throws {
        try await close()
    }

    /// Relays both outboxes until nothing is left to send.
    func deliverAll() async {
        let logger = Logger(label: "relay")
        let relays = [
            OutboxRelay(name: "booking", outbox: bookings, transport: transport, wakeup: Wakeup(), logger: logger),
            OutboxRelay(name: "payments", outbox: payments, transport: transport, wakeup: Wakeup(), logger: logger),
        ]
        for _ in 0 ..< 20 {
            var sent = 0
            for relay in relays { sent += await relay.relayOnce() }
            if sent == 0 { return }
        }
    }

    /// A wallet for `user` holding `balance`.
    @discardableResult
    func wallet(_ user: String, balance: Int64) async throws -> Account {
        let (account, _) = try await payments.createAccount(userIdentifier: user, currency: Currency("EUR")!)
        if balance > 0 { _ = try await payments.deposit(balance, into: account.id, at: Self.now) }
        return try await payments.account(account.id) ?? account
    }

    /// Holds seats of the demo concert (100.00 each) for `user`.
    func hold(_ seats: [Int64], for user: String) async throws -> Booking {
        try await engine.hold(HoldRequest(eventID: EventID(rawValue: 1), seatIDs: seats.map(SeatID.init(rawValue:)), tickets: [], userIdentifier: user))
    }

    /// The unsent messages of the booking outbox, without sending them.
    func pendingBookingMessages() async throws -> [Message] {
        try await bookings.unsentMessages(limit: 1_000)
    }
}
