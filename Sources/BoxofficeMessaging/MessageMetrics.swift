import Foundation
import Metrics
import Synchronization

/// The counters of the message flow, the same whichever transport carries the messages.
public enum MessageMetrics {
    /// A message its consumer handled: the consumer's transaction committed (`boxoffice_messages_handled_total`).
    /// Also records how long after its event the message was handled (`boxoffice_message_delay_seconds`, a
    /// histogram per consumer): the consumer's lag.
    public static func handled(_ message: Message, by consumer: String) {
        let (counter, delay) = instruments.withLock { instruments in
            let key = Key(consumer: consumer, type: message.type)
            if let made = instruments[key] { return made }
            // Made once per consumer and type: a metric looked up by its dimensions costs the factory's lock and a
            // string key for every message.
            let made = (
                Counter(label: "boxoffice_messages_handled_total", dimensions: [("consumer", consumer), ("type", message.type)]),
                Recorder(label: "boxoffice_message_delay_seconds", dimensions: [("consumer", consumer)], aggregate: true)
            )
            instruments[key] = made
            return made
        }
        counter.increment()
        delay.record(max(0, Date().timeIntervalSince(message.occurredAt)))
    }

    private struct Key: Hashable {
        let consumer: String
        let type: String
    }

    private static let instruments = Mutex<[Key: (Counter, Recorder)]>([:])

    /// An attempt at a message that failed; it is tried again or dead-lettered (`boxoffice_messages_retried_total`).
    public static func retried(by consumer: String) {
        Counter(label: "boxoffice_messages_retried_total", dimensions: [("consumer", consumer)]).increment()
    }
}
