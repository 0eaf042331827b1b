import NIOCore
import Synchronization

/// A channel on a connection: declarations, publishing with confirms, and consuming with manual acks.
public final class AMQPChannel: Sendable {
    /// The channel id on the connection (ids are reused after a channel closes).
    public let id: UInt16
    let connection: AMQPConnection
    private let closedState = Mutex<AMQPError?>(nil)
    private let closePromise: EventLoopPromise<AMQPError?>

    init(id: UInt16, connection: AMQPConnection, eventLoop: any EventLoop) {
        self.id = id
        self.connection = connection
        self.closePromise = eventLoop.makePromise()
    }

    /// The error operations fail with once the channel is closed; nil while it is open.
    var closedError: AMQPError? {
        self.closedState.withLock { $0 }
    }

    /// Whether the channel is open (neither side closed it, nor its connection).
    public var isOpen: Bool { self.closedError == nil && self.connection.isOpen }

    /// Records that the channel closed; called on the event loop.
    func markClosed(error: AMQPError, reason: AMQPError?) {
        self.closedState.withLock { $0 = error }
        self.closePromise.succeed(reason)
    }

    /// Declares an exchange.
    /// - Parameters:
    ///   - name: The exchange name.
    ///   - type: `direct`, `fanout`, `topic`, `headers` or a plugin's type.
    ///   - durable: Whether it survives a broker restart.
    ///   - autoDelete: Whether it is deleted when its last binding is removed.
    ///   - internal: Whether clients may not publish to it directly.
    ///   - arguments: Extra arguments, such as `alternate-exchange`.
    public func exchangeDeclare(
        _ name: String,
        type: String,
        durable: Bool,
        autoDelete: Bool = false,
        internal: Bool = false,
        arguments: AMQPTable = [:]
    ) async throws {
        let declare = ExchangeDeclare(
            exchange: name,
            type: type,
            durable: durable,
            autoDelete: autoDelete,
            internal: `internal`,
            arguments: arguments
        )
        _ = try await self.request(.exchangeDeclare(declare), expecting: .exchangeDeclareOk)
    }

    /// Declares a queue, or with `passive` checks that it exists (a missing queue closes the channel with 404).
    /// - Parameters:
    ///   - name: The queue name; an empty name asks the broker to generate one.
    ///   - durable: Whether it survives a broker restart.
    ///   - exclusive: Whether only this connection may use it (it is deleted when the connection closes).
    ///   - autoDelete: Whether it is deleted when its last consumer is cancelled.
    ///   - passive: Only check that the queue exists.
    ///   - arguments: Extra arguments, such as `x-queue-type` or `x-dead-letter-exchange`.
    /// - Returns: The queue's name and its message and consumer counts.
    public func queueDeclare(
        _ name: String,
        durable: Bool,
        exclusive: Bool = false,
        autoDelete: Bool = false,
        passive: Bool = false,
        arguments: AMQPTable = [:]
    ) async throws -> AMQPQueueInfo {
        let declare = QueueDeclare(
            queue: name,
            passive: passive,
            durable: durable,
            exclusive: exclusive,
            autoDelete: autoDelete,
            arguments: arguments
        )
        guard case .queueDeclareOk(let info) = try await self.request(.queueDeclare(declare), expecting: .queueDeclareOk(.init(name: "", messageCount: 0, consumerCount: 0))) else {
            preconditionFailure("a queue.declare-ok reply is checked on the event loop")
        }
        return info
    }

    /// Binds a queue to an exchange.
    /// - Parameters:
    ///   - queue: The queue name.
    ///   - exchange: The exchange name.
    ///   - routingKey: The binding key.
    ///   - arguments: Extra arguments, for headers exchanges.
    public func queueBind(_ queue: String, exchange: String, routingKey: String, arguments: AMQPTable = [:]) async throws {
        let bind = QueueBind(queue: queue, exchange: exchange, routingKey: routingKey, arguments: arguments)
        _ = try await self.request(.queueBind(bind), expecting: .queueBindOk)
    }

    /// Limits the unacknowledged deliveries per consumer on this channel.
    /// - Parameter prefetchCount: The most unacknowledged deliveries per consumer; 0 means no limit.
    public func basicQos(prefetchCount: UInt16) async throws {
        _ = try await self.request(.basicQos(prefetchSize: 0, prefetchCount: prefetchCount, global: false), expecting: .basicQosOk)
    }

    /// Puts the channel in confirm mode: from now on `publish` returns only once the broker confirmed the message.
    /// - Parameter maxUnconfirmed: The most publishes awaiting a confirm; further publishes wait for room.
    public func confirmSelect(maxUnconfirmed: Int = 1024) async throws {
        guard maxUnconfirmed > 0 else {
            throw AMQPError(.invalidArgument, replyText: "maxUnconfirmed must be positive")
        }
        _ = try await self.connection.onEventLoop(of: AMQPMethod.self) { [self] handler, promise in
            handler.selectConfirms(on: self, maxUnconfirmed: maxUnconfirmed, promise: promise)
        }
    }

    /// Publishes a message.
    ///
    /// With confirms on: returns once the broker acked; throws on nack, on basic.return (an unroutable mandatory
    /// message is a failure even though an ack follows it), and when the channel or connection closes first. Waits
    /// while `maxUnconfirmed` publishes are outstanding, and while the connection is blocked. Without confirms it
    /// returns once the frames are written. A mandatory publish in confirm mode carries the header
    /// `x-boxoffice-publish-seq`, which matches a basic.return to it.
    /// - Parameters:
    ///   - body: The message body.
    ///   - exchange: The exchange; "" is the default exchange.
    ///   - routingKey: The routing key.
    ///   - mandatory: Whether the broker returns the message when no queue takes it.
    ///   - properties: The message properties.
    public func publish(
        _ body: ByteBuffer,
        exchange: String,
        routingKey: String,
        mandatory: Bool = false,
        properties: AMQPProperties = .init()
    ) async throws {
        let promise = self.connection.eventLoop.makePromise(of: Void.self)
        let request = PublishRequest(
            publish: BasicPublish(exchange: exchange, routingKey: routingKey, mandatory: mandatory),
            properties: properties,
            body: body,
            promise: promise
        )
        self.connection.onEventLoop { [self] handler in
            handler.publish(request, on: self)
        }
        try await promise.futureResult.get()
    }

    /// Publishes several messages with one hop onto the event loop, written together and flushed once, and waits once
    /// for all of them: in confirm mode the broker's acks (usually one `multiple` ack for the lot) settle them together.
    /// Each message is confirmed or fails as with ``publish(_:exchange:routingKey:mandatory:properties:)``.
    /// - Returns: per message, in order, nil when it was confirmed, or why it failed.
    public func publish(_ messages: [AMQPOutgoingMessage]) async -> [(any Error)?] {
        guard !messages.isEmpty else { return [] }
        let eventLoop = self.connection.eventLoop
        let requests = messages.map { message in
            PublishRequest(
                publish: BasicPublish(exchange: message.exchange, routingKey: message.routingKey, mandatory: message.mandatory),
                properties: message.properties, body: message.body, promise: eventLoop.makePromise(of: Void.self)
            )
        }
        self.connection.onEventLoop { [self] handler in
            for request in requests { handler.publish(request, on: self) }
        }
        // whenAllComplete never fails: each result is its message's.
        let results = (try? await EventLoopFuture.whenAllComplete(requests.map(\.promise.futureResult), on: eventLoop).get()) ?? []
        return results.map { result in
            if case .failure(let error) = result { error } else { nil }
        }
    }

    /// Starts a consumer with manual acknowledgements.
    /// - Parameters:
    ///   - queue: The queue to consume from.
    ///   - consumerTag: The consumer tag; "" asks the broker to generate one.
    ///   - exclusive: Whether this must be the queue's only consumer.
    ///   - arguments: Extra arguments, such as `x-priority`.
    /// - Returns: The deliveries, as an asynchronous sequence.
    public func consume(
        queue: String,
        consumerTag: String = "",
        exclusive: Bool = false,
        arguments: AMQPTable = [:]
    ) async throws -> AMQPConsumer {
        let (stream, continuation) = AMQPConsumer.Stream.makeStream()
        let consume = BasicConsume(queue: queue, consumerTag: consumerTag, noAck: false, exclusive: exclusive, arguments: arguments)
        do {
            let reply = try await self.request(
                .basicConsume(consume),
                expecting: .basicConsumeOk(consumerTag: ""),
                action: .registerConsumer(continuation)
            )
            guard case .basicConsumeOk(let tag) = reply else {
                preconditionFailure("a basic.consume-ok reply is checked on the event loop")
            }
            return AMQPConsumer(tag: tag, stream: stream)
        } catch {
            continuation.finish(throwing: error)
            throw error
        }
    }

    /// Cancels a consumer; its sequence ends after the deliveries that came before basic.cancel-ok.
    /// - Parameter consumerTag: The consumer's tag.
    public func cancel(consumerTag: String) async throws {
        _ = try await self.request(
            .basicCancel(consumerTag: consumerTag, noWait: false),
            expecting: .basicCancelOk(consumerTag: ""),
            action: .finishConsumer
        )
    }

    /// Acknowledges a delivery of this channel; throws `channelClosed` when the channel is closed.
    /// - Parameters:
    ///   - deliveryTag: The delivery's tag.
    ///   - multiple: Also acknowledge every earlier unacknowledged delivery.
    public func ack(_ deliveryTag: UInt64, multiple: Bool = false) throws {
        try self.acknowledge(.basicAck(deliveryTag: deliveryTag, multiple: multiple))
    }

    /// Negatively acknowledges a delivery of this channel; throws `channelClosed` when the channel is closed.
    /// - Parameters:
    ///   - deliveryTag: The delivery's tag.
    ///   - multiple: Also nack every earlier unacknowledged delivery.
    ///   - requeue: Whether the broker requeues it; false dead-letters or drops it.
    public func nack(_ deliveryTag: UInt64, multiple: Bool = false, requeue: Bool) throws {
        try self.acknowledge(.basicNack(deliveryTag: deliveryTag, multiple: multiple, requeue: requeue))
    }

    /// Rejects a delivery of this channel; throws `channelClosed` when the channel is closed.
    /// - Parameters:
    ///   - deliveryTag: The delivery's tag.
    ///   - requeue: Whether the broker requeues it; false dead-letters or drops it.
    public func reject(_ deliveryTag: UInt64, requeue: Bool) throws {
        try self.acknowledge(.basicReject(deliveryTag: deliveryTag, requeue: requeue))
    }

    /// Closes the channel: channel.close, then close-ok; pending operations fail with `channelClosed`.
    public func close() async throws {
        _ = try await self.connection.onEventLoop(of: Void.self) { [self] handler, promise in
            handler.closeChannel(self, promise: promise)
        }
    }

    /// Waits until the channel has closed and tells why: nil when this client closed it (or its connection).
    public func closed() async -> AMQPError? {
        (try? await self.closePromise.futureResult.get()) ?? nil
    }

    private func request(
        _ method: AMQPMethod,
        expecting reply: AMQPMethod,
        action: PendingReply.Action = .none
    ) async throws -> AMQPMethod {
        try await self.connection.onEventLoop(of: AMQPMethod.self) { [self] handler, promise in
            handler.request(method, on: self, expecting: reply.id, action: action, promise: promise)
        }
    }

    private func acknowledge(_ method: AMQPMethod) throws {
        if let error = self.closedError {
            throw error
        }
        self.connection.onEventLoop { [self] handler in
            handler.acknowledge(method, on: self)
        }
    }
}

/// One message of a batch publish (``AMQPChannel/publish(_:)``).
public struct AMQPOutgoingMessage: Sendable {
    /// The message body.
    public var body: ByteBuffer
    /// The exchange; "" is the default exchange.
    public var exchange: String
    /// The routing key.
    public var routingKey: String
    /// Whether the broker returns the message when no queue takes it.
    public var mandatory: Bool
    /// The message properties.
    public var properties: AMQPProperties

    /// Creates a message to publish.
    public init(body: ByteBuffer, exchange: String, routingKey: String, mandatory: Bool = false, properties: AMQPProperties = .init()) {
        self.body = body
        self.exchange = exchange
        self.routingKey = routingKey
        self.mandatory = mandatory
        self.properties = properties
    }
}
