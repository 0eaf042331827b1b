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

@Suite("Retries and dead letters of the in-process transport")
struct InProcessTransportRetryTests {
    final class Flaky: DeadLetterStore {
        let calls = Atomic<Int>(0)
        let dead = Atomic<Int>(0)

        func recordDeadLetter(_ message: Message, consumer: String, error: String) async throws {
            dead.add(1, ordering: .relaxed)
        }
    }

    struct Glitch: Error {}

    @Test("a consumer failing for a while keeps the message in its outbox for the next round")
    func transient() async throws {
        let transport = InProcessTransport(maxAttempts: 10, attemptsPerDelivery: 2, retryDelay: .milliseconds(1), logger: Logger(label: "t"))
        let flaky = Flaky()
        let task = Task {
            try await transport.consume(as: "flaky", types: ["tick"], deadLetters: flaky) { _ in
                if flaky.calls.add(1, ordering: .relaxed).newValue <= 3 { throw Glitch() }
            }
        }
        try await Task.sleep(for: .milliseconds(20))
        let message = Message(type: "tick", payload: Data(), occurredAt: Date())
        await #expect(throws: Glitch.self) { try await transport.publish(message) }
        try await transport.publish(message)
        #expect(flaky.calls.load(ordering: .relaxed) == 4)
        #expect(flaky.dead.load(ordering: .relaxed) == 0)
        task.cancel()
    }

    struct DatabaseDown: TransientFailure {}

    @Test("failures of a database that is down never count: far past maxAttempts, the message is still delivered, not dead-lettered")
    func transientNeverCounts() async throws {
        let transport = InProcessTransport(maxAttempts: 3, attemptsPerDelivery: 3, retryDelay: .milliseconds(1), logger: Logger(label: "t"))
        let flaky = Flaky()
        let task = Task {
            try await transport.consume(as: "flaky", types: ["tick"], deadLetters: flaky) { _ in
                if flaky.calls.add(1, ordering: .relaxed).newValue <= 30 { throw DatabaseDown() }
            }
        }
        try await Task.sleep(for: .milliseconds(20))
        let message = Message(type: "tick", payload: Data(), occurredAt: Date())
        for _ in 0 ..< 10 {
            await #expect(throws: DatabaseDown.self) { try await transport.publish(message) }
        }
        try await transport.publish(message)
        #expect(flaky.calls.load(ordering: .relaxed) == 31)
        #expect(flaky.dead.load(ordering: .relaxed) == 0, "30 failures of a database that was down, maxAttempts 3")
        task.cancel()
    }

    @Test("the policy counts only failures that are not transient")
    func classification() {
        let policy = DeadLetterPolicy(maxAttempts: 3)
        #expect(!policy.counts(DatabaseDown()))
        #expect(policy.counts(Glitch()))
        #expect(!policy.shouldDeadLetter(after: DatabaseDown(), attempts: 100))
        #expect(policy.shouldDeadLetter(after: Glitch(), attempts: 3))
    }

    @Test("a message that cannot be read is dead-lettered at once")
    func unreadable() async throws {
        let transport = InProcessTransport(maxAttempts: 100, logger: Logger(label: "t"))
        let flaky = Flaky()
        let task = Task {
            try await transport.consume(as: "reader", types: [PaymentRequested.type], deadLetters: flaky) { message in
                _ = try message.body(as: PaymentRequested.self)
            }
        }
        try await Task.sleep(for: .milliseconds(20))
        try await transport.publish(Message(type: PaymentRequested.type, payload: Data("[]".utf8), occurredAt: Date()))
        #expect(flaky.dead.load(ordering: .relaxed) == 1)
        task.cancel()
    }
}

@Suite("The wakeup doorbell")
struct WakeupTests {
    @Test("a wait that timed out leaves the doorbell working")
    func afterTimeout() async {
        let wakeup = Wakeup()
        await wakeup.wait(atMost: .milliseconds(5))
        let started = ContinuousClock.now
        await wakeup.wait(atMost: .milliseconds(300))
        #expect(ContinuousClock.now - started >= .milliseconds(250), "an unrung wait must wait")
        Task {
            try? await Task.sleep(for: .milliseconds(20))
            wakeup.ring()
        }
        let rung = ContinuousClock.now
        await wakeup.wait(atMost: .seconds(10))
        #expect(ContinuousClock.now - rung < .seconds(5))
    }

    @Test("a ring before the wait is kept")
    func ringFirst() async {
        let wakeup = Wakeup()
        wakeup.ring()
        let started = ContinuousClock.now
        await wakeup.wait(atMost: .seconds(10))
        #expect(ContinuousClock.now - started < .seconds(5))
    }
}
