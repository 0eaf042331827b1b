import NIOCore

/// The class ids of AMQP 0-9-1 that this client uses.
enum AMQPClassID {
    static let connection: UInt16 = 10
    static let channel: UInt16 = 20
    static let exchange: UInt16 = 40
    static let queue: UInt16 = 50
    static let basic: UInt16 = 60
    static let confirm: UInt16 = 85
}

/// A method's class id and method id, as they appear on the wire.
struct AMQPMethodID: Sendable, Hashable {
    var classID: UInt16
    var methodID: UInt16
}

/// The arguments of connection.start.
struct ConnectionStart: Sendable, Hashable {
    var versionMajor: UInt8 = 0
    var versionMinor: UInt8 = 9
    var serverProperties: AMQPTable
    var mechanisms: String
    var locales: String
}

/// The arguments of connection.start-ok; its description leaves out the response, which holds the password.
struct ConnectionStartOk: Sendable, Hashable, CustomStringConvertible {
    var clientProperties: AMQPTable
    var mechanism: String
    var response: ByteBuffer
    var locale: String

    var description: String {
        "ConnectionStartOk(mechanism: \(self.mechanism), locale: \(self.locale))"
    }
}

/// The arguments of connection.tune and connection.tune-ok.
struct ConnectionTune: Sendable, Hashable {
    var channelMax: UInt16
    var frameMax: UInt32
    var heartbeat: UInt16
}

/// The arguments of connection.close and channel.close.
struct AMQPCloseArguments: Sendable, Hashable {
    var replyCode: UInt16
    var replyText: String
    var classID: UInt16 = 0
    var methodID: UInt16 = 0
}

/// The arguments of exchange.declare.
struct ExchangeDeclare: Sendable, Hashable {
    var exchange: String
    var type: String
    var passive = false
    var durable: Bool
    var autoDelete: Bool
    var `internal`: Bool
    var noWait = false
    var arguments: AMQPTable
}

/// The arguments of queue.declare.
struct QueueDeclare: Sendable, Hashable {
    var queue: String
    var passive: Bool
    var durable: Bool
    var exclusive: Bool
    var autoDelete: Bool
    var noWait = false
    var arguments: AMQPTable
}

/// The arguments of queue.bind.
struct QueueBind: Sendable, Hashable {
    var queue: String
    var exchange: String
    var routingKey: String
    var noWait = false
    var arguments: AMQPTable
}

/// The arguments of basic.consume.
struct BasicConsume: Sendable, Hashable {
    var queue: String
    var consumerTag: String
    var noLocal = false
    var noAck: Bool
    var exclusive: Bool
    var noWait = false
    var arguments: AMQPTable
}

/// The arguments of basic.publish.
struct BasicPublish: Sendable, Hashable {
    var exchange: String
    var routingKey: String
    var mandatory: Bool
    var immediate = false
}

/// The arguments of basic.return.
struct BasicReturn: Sendable, Hashable {
    var replyCode: UInt16
    var replyText: String
    var exchange: String
    var routingKey: String
}

/// The arguments of basic.deliver.
struct BasicDeliver: Sendable, Hashable {
    var consumerTag: String
    var deliveryTag: UInt64
    var redelivered: Bool
    var exchange: String
    var routingKey: String
}
