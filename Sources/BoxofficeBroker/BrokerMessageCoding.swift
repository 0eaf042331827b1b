import BoxofficeAMQP
import BoxofficeMessaging
import Foundation
import NIOCore

/// How a service message travels as an AMQP message: its JSON body as the body, routed by its type, persistent,
/// `message-id` = the outbox row's id, `type` = the message type, `timestamp` (seconds) and the header
/// `occurred-at-ms` (milliseconds since 1970) = when it happened.
enum BrokerMessageCoding {
    /// The header holding when the message's event happened, in milliseconds (AMQP's `timestamp` has whole seconds).
    static let occurredAtHeader = "occurred-at-ms"

    /// The properties a service message is published with.
    static func properties(of message: Message) -> AMQPProperties {
        var properties = AMQPProperties()
        properties.contentType = "application/json"
        properties.deliveryMode = 2
        properties.messageId = message.id.uuidString.lowercased()
        properties.type = message.type
        properties.timestamp = UInt64(max(0, message.occurredAt.timeIntervalSince1970))
        properties.headers = [occurredAtHeader: .int64(Int64((message.occurredAt.timeIntervalSince1970 * 1000).rounded()))]
        return properties
    }

    /// The service message a delivery carries; nil when it has no usable `message-id` or type (such a delivery can
    /// never be processed: it is dead-lettered).
    static func message(from delivery: AMQPDelivery) -> Message? {
        guard let text = delivery.properties.messageId, let id = UUID(uuidString: text) else { return nil }
        let type = delivery.properties.type ?? delivery.routingKey
        guard !type.isEmpty else { return nil }
        var occurredAt = delivery.properties.timestamp.map { Date(timeIntervalSince1970: TimeInterval($0)) } ?? Date()
        if case .int64(let milliseconds)? = delivery.properties.headers?[occurredAtHeader] {
            occurredAt = Date(timeIntervalSince1970: TimeInterval(milliseconds) / 1000)
        }
        return Message(id: id, type: type, payload: Data(delivery.body.readableBytesView), occurredAt: occurredAt)
    }

    /// How many times the broker delivered this message before (quorum queues count in `x-delivery-count`).
    static func previousDeliveries(of delivery: AMQPDelivery) -> Int {
        switch delivery.properties.headers?["x-delivery-count"] {
        case .int64(let count)?: Int(count)
        case .int32(let count)?: Int(count)
        case .uint32(let count)?: Int(count)
        default: delivery.redelivered ? 1 : 0
        }
    }
}
