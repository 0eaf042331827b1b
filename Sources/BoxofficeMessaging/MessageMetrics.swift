import Metrics

/// The counters of the message flow, the same whichever transport carries the messages.
public enum MessageMetrics {
    /// A message its consumer handled: the consumer's transaction committed (`boxoffice_messages_handled_total`).
    public static func handled(_ message: Message, by consumer: String) {
        Counter(label: "boxoffice_messages_handled_total", dimensions: [("consumer", consumer), ("type", message.type)]).increment()
    }

    /// An attempt at a message that failed; it is tried again or dead-lettered (`boxoffice_messages_retried_total`).
    public static func retried(by consumer: String) {
        Counter(label: "boxoffice_messages_retried_total", dimensions: [("consumer", consumer)]).increment()
    }
}
