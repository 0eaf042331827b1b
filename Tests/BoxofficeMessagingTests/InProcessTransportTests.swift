import BoxofficeMessaging
import Foundation
import Logging
import Synchronization
import Testing

@Suite("The in-process transport")
struct InProcessTransportTests {
    struct Note: MessageBody, Equatable {
        static let type = "note.written"
        var text: String
    }

    /// Records what a consumer got and what it dead-lettered.
    final class Recorder: DeadLetterStore {
        let got = Mutex<[String]>([])
        let dead = Mutex<[String]>([])

        func recordDeadLetter(_ message: Message, consumer: String, error: String) async throws {
            dead.withLock { $0.append("\(consumer):\(message.type)") }
        }
    }

    func subscribed(_ transport: InProcessTransport, _ recorder: Recorder, failing: Bool = false) async throws -> Task<Void, any Error> {
        let task = Task {
            try await transport.consume(as: "reader", types: [Note.type], deadLetters: recorder) { message in
                if failing { throw NoteRejected() }
                let note = try message.body(as: Note.self)
                recorder.got.withLock { $0.append(note.text) }
            }
        }
        try await Task.sleep(for: .milliseconds(20))
        return task
    }

    @Test("publish returns after the consumer processed the message")
    func delivers() async throws {
        let transport = InProcessTransport(logger: Logger(label: "t"))
        let recorder = Recorder()
        let task = try await subscribed(transport, recorder)
        try await transport.publish(try Message(Note(text: "hello"), at: Date()))
        #expect(recorder.got.withLock { $0 } == ["hello"])
        task.cancel()
    }

    @Test("a message nobody consumes is refused, so its publisher keeps it")
    func unroutable() async throws {
        let transport = InProcessTransport(logger: Logger(label: "t"))
        await #expect(throws: Unroutable.self) { try await transport.publish(try Message(Note(text: "lost?"), at: Date())) }
    }

    @Test("a message that keeps failing is retried, then dead-lettered, never dropped silently")
    func deadLetters() async throws {
        let transport = InProcessTransport(maxAttempts: 3, retryDelay: .milliseconds(1), logger: Logger(label: "t"))
        let recorder = Recorder()
        let task = try await subscribed(transport, recorder, failing: true)
        try await transport.publish(try Message(Note(text: "poison"), at: Date()))
        #expect(recorder.dead.withLock { $0 } == ["reader:note.written"])
        #expect(transport.deadLetterCount == 1)
        task.cancel()
    }

    @Test("message bodies round-trip in snake_case JSON")
    func coding() throws {
        let message = try Message(PaymentRequested(bookingId: UUID(), userIdentifier: "u", amountMinor: 5, currency: "EUR"), at: Date())
        #expect(String(decoding: message.payload, as: UTF8.self).contains("\"amount_minor\":5"))
        #expect(try message.body(as: PaymentRequested.self).amountMinor == 5)
        #expect(throws: MessageTypeMismatch.self) { try message.body(as: PaymentFailed.self) }
    }

    struct NoteRejected: Error {}
}
