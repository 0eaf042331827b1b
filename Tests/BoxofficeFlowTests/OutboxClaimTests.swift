import BoxofficeMessaging
import BoxofficeTestSupport
import Foundation
import Logging
import Synchronization
import Testing

@Suite("Relays of several instances sharing one outbox, on SQLite and PostgreSQL")
struct OutboxClaimTests {
    /// Counts how often each message was published.
    final class CountingTransport: MessageTransport {
        let published = Mutex<[UUID: Int]>([:])

        func publish(_ message: Message) async throws {
            try await Task.sleep(for: .milliseconds(2))
            published.withLock { $0[message.id, default: 0] += 1 }
        }

        func consume(as consumer: String, types: Set<String>, deadLetters: any DeadLetterStore, handler: @escaping @Sendable (Message) async throws -> Void) async throws {}
    }

    @Test("four relays at once publish each message once: each claims the rows it publishes", arguments: TestBackend.all)
    func claimedOnce(backend: TestBackend) async throws {
        try await FlowHarness.with(backend) { harness in
            for seat in 1 ... 20 as ClosedRange<Int64> { _ = try await MessagingFaultTests.pending(harness, seat: seat, user: "user-\(seat)", balance: 0) }
            let transport = CountingTransport()
            let relays = (0 ..< 4).map { OutboxRelay(name: "relay-\($0)", outbox: harness.bookings, transport: transport, wakeup: Wakeup(), logger: Logger(label: "t")) }
            await withTaskGroup(of: Void.self) { group in
                for relay in relays { group.addTask { _ = await relay.relayOnce(limit: 5) } }
            }
            for relay in relays { _ = await relay.relayOnce() }
            let counts = transport.published.withLock { $0 }
            #expect(counts.count == 20, "every message published")
            #expect(counts.values.allSatisfy { $0 == 1 }, "none published twice: \(counts.values.sorted())")
            #expect(try await harness.pendingBookingMessages().isEmpty)
        }
    }

    @Test("a message a relay could not publish is given back and goes in the next round")
    func releasedOnFailure() async throws {
        try await FlowHarness.with(.sqlite) { harness in
            _ = try await MessagingFaultTests.pending(harness, seat: 3, user: "ray", balance: 0)
            let refusing = OutboxRelay(name: "refused", outbox: harness.bookings, transport: RefusingTransport(), wakeup: Wakeup(), logger: Logger(label: "t"))
            #expect(await refusing.relayOnce() == 0)
            let transport = CountingTransport()
            let relay = OutboxRelay(name: "next", outbox: harness.bookings, transport: transport, wakeup: Wakeup(), logger: Logger(label: "t"))
            #expect(await relay.relayOnce() == 1, "the claim was given back, not left to lapse")
        }
    }

    struct RefusingTransport: MessageTransport {
        func publish(_ message: Message) async throws { throw Unroutable(type: message.type) }
        func consume(as consumer: String, types: Set<String>, deadLetters: any DeadLetterStore, handler: @escaping @Sendable (Message) async throws -> Void) async throws {}
    }
}
