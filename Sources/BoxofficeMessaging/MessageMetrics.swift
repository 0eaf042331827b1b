import Foundation
import Metrics

/// The counters of the message flow, the same whichever transport carries the messages.
public enum MessageMetrics {
    /// A message its consumer handled: the consumer's transaction committed (`boxoffice_messages_handled_total`).
    /// Also records how long after its event the message was handled (`boxoffice_message_delay_seconds`, a
    /// histogram per consumer): the consumer's lag.
    public static func handled(_ message: Message, by consumer: String) {
        Counter(label: "boxoffice_messages_handled_total", dimensions: [("consumer", consumer), ("type", message.type)]).increment()
        Recorder(label: "boxoffice_message_delay_seconds", dimensions: [("consumer", consumer)], aggregate: true)
            .record(max(0, Date().timeIntervalSince(message.occurredAt)))
    }

    /// An attempt at a message that failed; it is tried again or dead-lettered (`boxoffice_messages_retried_total`).
    public static func retried(by consumer: String) {
        Counter(label: "boxoffice_messages_retried_total", dimensions: [("consumer", consumer)]).increment()
    }
}
