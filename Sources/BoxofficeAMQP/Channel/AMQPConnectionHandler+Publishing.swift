import Logging
import NIOCore

extension AMQPConnectionHandler {
    /// Puts a channel in confirm mode: from this point on every publish written on it gets the next sequence number.
    func selectConfirms(on facade: AMQPChannel, maxUnconfirmed: Int, promise: EventLoopPromise<AMQPMethod>) {
        if let channel = self.usableChannel(facade) {
            channel.maxUnconfirmed = maxUnconfirmed
            if channel.confirms == nil {
                channel.confirms = ConfirmTracker()
            }
        }
        self.request(.confirmSelect(noWait: false), on: facade, expecting: AMQPMethod.confirmSelectOk.id, promise: promise)
    }

    /// Publishes now, or queues the publish while the connection is blocked or the confirm window is full.
    func publish(_ request: PublishRequest, on facade: AMQPChannel) {
        guard let channel = self.usableChannel(facade) else {
            request.promise.fail(self.unusableChannelError(facade))
            return
        }
        if self.isBlocked || channel.isConfirmWindowFull || !channel.waitingPublishes.isEmpty {
            channel.waitingPublishes.append(request)
            return
        }
        self.writePublish(request, on: channel)
    }

    /// Writes basic.publish, the content header and the body frames as one buffer, flushed once.
    ///
    /// In confirm mode the promise waits for basic.ack. A mandatory publish that cannot be routed is answered by
    /// basic.return and then basic.ack; RabbitMQ's ack of an earlier publish to a durable queue can come after that
    /// return, so matching returns by order is not reliable. Instead, a mandatory publish carries its sequence number
    /// in the header `x-boxoffice-publish-seq`, and the returned message's header names the publish it fails.
    private func writePublish(_ request: PublishRequest, on channel: ChannelState) {
        guard let context = self.context else {
            request.promise.fail(self.currentError)
            return
        }
        var properties = request.properties
        if request.publish.mandatory, let confirms = channel.confirms {
            properties.headers = properties.headers ?? [:]
            properties.headers![Self.publishSequenceHeader] = .int64(Int64(confirms.nextSequenceNumber))
        }
        let bodyFrames = self.frameMax == 0 ? 1 : request.body.readableBytes / (Int(self.frameMax) - AMQPFraming.overhead) + 1
        var buffer = context.channel.allocator.buffer(capacity: 128 + request.body.readableBytes + bodyFrames * AMQPFraming.overhead)
        do {
            try buffer.writeAMQPMethodFrame(channel: channel.id, .basicPublish(request.publish))
            try buffer.writeAMQPContent(channel: channel.id, properties: properties, body: request.body, maximumFrameSize: self.frameMax)
        } catch {
            request.promise.fail(error)
            return
        }
        if channel.confirms != nil {
            _ = channel.confirms!.register(request.promise)
            self.write(buffer)
        } else {
            self.write(buffer, promise: request.promise)
        }
    }

    /// Writes the queued publishes that may go now.
    func writeWaitingPublishes(on channel: ChannelState) {
        while !self.isBlocked, channel.isUsable, !channel.isConfirmWindowFull, let request = channel.waitingPublishes.popFirst() {
            self.writePublish(request, on: channel)
        }
    }

    func receivedConfirm(deliveryTag: UInt64, multiple: Bool, nack: Bool, on channel: ChannelState) throws(AMQPProtocolViolation) {
        guard channel.confirms != nil else {
            throw .commandInvalid("basic.\(nack ? "nack" : "ack") on channel \(channel.id), which is not in confirm mode")
        }
        guard deliveryTag < channel.confirms!.nextSequenceNumber else {
            throw .commandInvalid("a confirm for delivery tag \(deliveryTag), which was never published on channel \(channel.id)")
        }
        let error = nack ? AMQPError(.publishNacked, replyText: "the broker nacked publish \(deliveryTag) on channel \(channel.id)") : nil
        for (promise, failure) in channel.confirms!.settle(deliveryTag: deliveryTag, multiple: multiple, nack: error) {
            if let failure {
                promise.fail(failure)
            } else {
                promise.succeed()
            }
        }
        self.writeWaitingPublishes(on: channel)
    }

    func receivedReturn(_ basicReturn: BasicReturn, properties: AMQPProperties, on channel: ChannelState) {
        let error = AMQPError(
            .publishReturned,
            replyCode: basicReturn.replyCode,
            replyText: "\(basicReturn.replyText) (exchange '\(basicReturn.exchange)', routing key '\(basicReturn.routingKey)')"
        )
        guard case .int64(let sequenceNumber) = properties.headers?[Self.publishSequenceHeader],
            sequenceNumber > 0,
            channel.confirms?.markReturned(UInt64(sequenceNumber), error: error) == true
        else {
            self.logger.warning("basic.return for a publish that is not awaiting a confirm", metadata: ["error": "\(error)"])
            return
        }
    }

    func setBlocked(_ blocked: Bool, reason: String) {
        guard self.isBlocked != blocked else { return }
        self.isBlocked = blocked
        self.status.isBlocked = blocked
        if blocked {
            self.logger.warning("the broker blocked publishing on this connection", metadata: ["reason": "\(reason)"])
        } else {
            self.logger.info("the broker unblocked publishing on this connection")
            for channel in self.channels.values {
                self.writeWaitingPublishes(on: channel)
            }
        }
    }
}
