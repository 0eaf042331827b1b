import Logging
import NIOCore

extension AMQPConnectionHandler {
    /// Sends basic.ack, basic.nack or basic.reject, only on the very channel the delivery came on.
    ///
    /// When that channel has closed in the meantime the acknowledgement is dropped: the broker requeues the message.
    func acknowledge(_ method: AMQPMethod, on facade: AMQPChannel) {
        guard let channel = self.usableChannel(facade) else { return }
        try? self.write(method, channel: channel.id)
    }

    func receivedContentHeader(_ header: AMQPContentHeader, on channel: ChannelState) throws(AMQPProtocolViolation) {
        guard var content = channel.incomingContent, content.header == nil else {
            throw .unexpectedFrame("a content header on channel \(channel.id) without basic.deliver or basic.return")
        }
        guard header.classID == AMQPClassID.basic else {
            throw .frameError("a content header of class \(header.classID) on channel \(channel.id)")
        }
        content.header = header
        channel.incomingContent = content
        if header.bodySize == 0 {
            self.completeContent(on: channel)
        }
    }

    func receivedContentBody(_ body: ByteBuffer, on channel: ChannelState) throws(AMQPProtocolViolation) {
        guard var content = channel.incomingContent, let header = content.header else {
            throw .unexpectedFrame("a content body on channel \(channel.id) without a content header")
        }
        channel.incomingContent = nil
        content.received += UInt64(body.readableBytes)
        guard content.received <= header.bodySize else {
            throw .frameError("content body on channel \(channel.id) exceeds the \(header.bodySize) bytes of its header")
        }
        if content.body == nil, content.received == header.bodySize {
            content.body = body
        } else {
            var accumulated = content.body ?? ByteBuffer()
            var part = body
            accumulated.writeBuffer(&part)
            content.body = accumulated
        }
        channel.incomingContent = content
        if content.received == header.bodySize {
            self.completeContent(on: channel)
        }
    }

    private func completeContent(on channel: ChannelState) {
        guard let content = channel.incomingContent, let header = content.header else { return }
        channel.incomingContent = nil
        let body = content.body ?? ByteBuffer()
        switch content.method {
        case .deliver(let deliver):
            guard let consumer = channel.consumers[deliver.consumerTag] else {
                self.logger.warning("a delivery for an unknown consumer", metadata: ["consumer_tag": "\(deliver.consumerTag)"])
                return
            }
            consumer.yield(
                AMQPDelivery(
                    deliveryTag: deliver.deliveryTag,
                    redelivered: deliver.redelivered,
                    exchange: deliver.exchange,
                    routingKey: deliver.routingKey,
                    consumerTag: deliver.consumerTag,
                    properties: header.properties,
                    body: body,
                    channel: channel.facade
                )
            )
        case .returned(let basicReturn):
            self.receivedReturn(basicReturn, properties: header.properties, on: channel)
        }
    }

    func receivedServerCancel(consumerTag: String, on channel: ChannelState) {
        self.logger.info("the broker cancelled a consumer", metadata: ["consumer_tag": "\(consumerTag)"])
        channel.consumers.removeValue(forKey: consumerTag)?.finish(
            throwing: AMQPError(.consumerCancelled, replyText: "the broker cancelled consumer '\(consumerTag)'")
        )
    }
}
