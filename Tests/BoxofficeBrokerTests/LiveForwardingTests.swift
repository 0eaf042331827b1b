@testable import BoxofficeBroker
import BoxofficeDomain
import Foundation
import Logging
import NIOCore
import ServiceLifecycle
import Synchronization
import Testing

@Suite("Live updates across instances through the broker", .enabled(if: TestRabbitMQ.isEnabled, "set BOXOFFICE_TEST_AMQP_URL (scripts/test does)"), .timeLimit(.minutes(2)))
struct LiveForwardingTests {
    @Test("a booking or wallet change made by one process reaches its own clients at once and every other instance's through the broker, once; seat map deltas stay where they were made")
    func forwarded() async throws {
        let settings = try TestRabbitMQ.settings()
        try await TestRabbitMQ.withConnections(settings) { publisher, consumer in
            let here = Collected()
            let there = Collected()
            let forwarder = BrokerLiveForwarder(connection: publisher, topology: settings.topology, local: here, origin: "here", logger: RabbitMQTransportTests.logger)
            let feeds = ServiceGroup(
                services: [
                    BrokerLiveFeed(connection: consumer, topology: settings.topology, hub: there, origin: "there", logger: RabbitMQTransportTests.logger),
                    BrokerLiveFeed(connection: consumer, topology: settings.topology, hub: here, origin: "here", logger: RabbitMQTransportTests.logger),
                ],
                gracefulShutdownSignals: [], logger: RabbitMQTransportTests.logger
            )
            try await withThrowingTaskGroup(of: Void.self) { group in
                group.addTask { try await feeds.run() }
                try await Task.sleep(for: .milliseconds(300))
                let booking = BookingStatusChange(bookingID: .random(), eventID: EventID(rawValue: 3), customer: "ann", status: .confirmed)
                let wallet = WalletChange(accountID: UUID(), customer: "ann", balanceMinor: 500, currency: Currency("EUR")!)
                let delta = InventoryDelta(eventID: EventID(rawValue: 3), version: 9, seats: [], pools: [], availableSeats: 10)
                forwarder.publish(.booking(booking))
                forwarder.publish(.wallet(wallet))
                forwarder.publish(.inventory(delta))
                #expect(here.updates == [.booking(booking), .wallet(wallet), .inventory(delta)], "at once, before any broker round trip")
                #expect(try await TestRabbitMQ.eventually { there.updates.count == 2 })
                #expect(there.updates == [.booking(booking), .wallet(wallet)], "in order, to the other instance; the delta stays in the process that made it")
                try await Task.sleep(for: .milliseconds(300))
                #expect(here.updates.count == 3, "the echo of its own updates is skipped")
                await feeds.triggerGracefulShutdown()
                try await group.waitForAll()
            }
        }
    }
}

/// A hub that keeps what it is told.
final class Collected: LiveUpdatePublisher {
    private let kept = Mutex<[LiveUpdate]>([])

    func publish(_ update: LiveUpdate) {
        kept.withLock { $0.append(update) }
    }

    var updates: [LiveUpdate] { kept.withLock { $0 } }
}

@Suite("The binary form of live updates between instances")
struct LiveUpdateCodingTests {
    @Test("booking and wallet updates round-trip in order; seat map deltas are left out")
    func roundTrip() throws {
        let updates: [LiveUpdate] = [
            .booking(BookingStatusChange(bookingID: .random(), eventID: EventID(rawValue: 7), customer: "zoë", status: .paymentPending)),
            .inventory(InventoryDelta(eventID: EventID(rawValue: 7), version: 3, seats: [], pools: [], availableSeats: 1)),
            .wallet(WalletChange(accountID: UUID(), customer: "zoë", balanceMinor: 123_456, currency: Currency("EUR")!)),
        ]
        #expect(try LiveUpdateCoding.decode(LiveUpdateCoding.encode(updates)) == [updates[0], updates[2]])
    }

    @Test("bytes that are not such a message are refused")
    func refused() {
        #expect(throws: (any Error).self) { try LiveUpdateCoding.decode(ByteBuffer(bytes: [9, 0, 1, 65])) }
        #expect(throws: (any Error).self) { try LiveUpdateCoding.decode(ByteBuffer(bytes: [1, 0, 5, 65])) }
    }
}
