import BoxofficeMessaging
import Foundation
import Logging
import Synchronization
import Testing

@Suite("The outbox relay")
struct OutboxRelayTests {
    /// An outbox in memory.
    final class MemoryOutbox: OutboxStore {
        let messages: Mutex<[Message]>
        let sent = Mutex<Set<UUID>>([])

        init(_ messages: [Message]) {
            self.messages = Mutex(messages)
        }

        func unsentMessages(limit: Int) async throws -> [Message] {
            let sent = sent.withLock { $0 }
            return messages.withLock { $0 }.filter { !sent.contains($0.id) }.prefix(limit).map { $0 }
        }

        func claimUnsent(limit: Int, lease: Duration) async throws -> [Message] {
            try await unsentMessages(limit: limit)
        }

        func markSent(_ ids: [UUID]) async throws {
            sent.withLock { $0.formUnion(ids) }
        }

        func releaseClaims(_ ids: [UUID]) async throws {}
    }

    /// A transport that refuses some types.
    final class PickyTransport: MessageTransport {
        let published = Mutex<[String]>([])

        func publish(_ message: Message) async throws {
            guard message.type != "refused" else { throw Unroutable(type: message.type) }
            published.withLock { $0.append(message.type) }
        }

        func consume(as consumer: String, types: Set<String>, deadLetters: any DeadLetterStore, handler: @escaping @Sendable (Message) async throws -> Void) async throws {}
    }

    @Test("confirmed messages are marked sent; refused ones stay for the next round")
    func marksOnlyConfirmed() async throws {
        let accepted = Message(type: "accepted", payload: Data(), occurredAt: Date())
        let refused = Message(type: "refused", payload: Data(), occurredAt: Date())
        let outbox = MemoryOutbox([accepted, refused])
        let transport = PickyTransport()
        let relay = OutboxRelay(name: "test", outbox: outbox, transport: transport, wakeup: Wakeup(), logger: Logger(label: "t"))
        #expect(await relay.relayOnce() == 1)
        #expect(outbox.sent.withLock { $0 } == [accepted.id])
        #expect(try await outbox.unsentMessages(limit: 10).map(\.id) == [refused.id])
        #expect(await relay.relayOnce() == 0)
        #expect(transport.published.withLock { $0 } == ["accepted"])
    }
}
