import Logging
import NIOCore

extension AMQPConnectionHandler {
    /// Allocates the lowest free channel id and sends channel.open; `promise` gets the channel on channel.open-ok.
    func openChannel(on connection: AMQPConnection, promise: EventLoopPromise<AMQPChannel>) {
        guard self.phase == .open, let context = self.context else {
            promise.fail(self.currentError)
            return
        }
        guard let id = self.channelIDs.allocate() else {
            promise.fail(AMQPError(.channelLimitReached, replyText: "all channel ids up to channel_max are in use"))
            return
        }
        let facade = AMQPChannel(id: id, connection: connection, eventLoop: context.eventLoop)
        let channel = ChannelState(id: id, facade: facade)
        self.channels[id] = channel
        let opened = context.eventLoop.makePromise(of: AMQPMethod.self)
        channel.pendingReplies.append(
            PendingReply(expected: AMQPMethod.channelOpenOk.id, promise: opened, action: .none)
        )
        try? self.write(.channelOpen, channel: id)
        opened.futureResult.map { _ in facade }.cascade(to: promise)
    }

    /// Sends a synchronous request on a channel; `promise` gets the reply.
    /// - Parameters:
    ///   - method: The request.
    ///   - facade: The channel it goes on; it must still be the open channel with that id.
    ///   - expected: The reply method that answers it.
    ///   - action: What to do on the event loop when the reply arrives.
    ///   - promise: Completed with the reply, or failed when the channel or connection closes first.
    func request(
        _ method: AMQPMethod,
        on facade: AMQPChannel,
        expecting expected: AMQPMethodID,
        action: PendingReply.Action = .none,
        promise: EventLoopPromise<AMQPMethod>
    ) {
        guard let channel = self.usableChannel(facade) else {
            promise.fail(self.unusableChannelError(facade))
            return
        }
        do {
            try self.write(method, channel: channel.id)
        } catch {
            promise.fail(error)
            return
        }
        channel.pendingReplies.append(PendingReply(expected: expected, promise: promise, action: action))
    }

    /// Sends channel.close; `promise` succeeds once the channel is closed (at once if it already is).
    func closeChannel(_ facade: AMQPChannel, promise: EventLoopPromise<Void>) {
        guard let channel = self.channels[facade.id], channel.facade === facade, channel.phase != .closed else {
            promise.succeed()
            return
        }
        channel.closeWaiters.append(promise)
        guard channel.isUsable else { return }
        channel.phase = .closing
        try? self.write(
            .channelClose(AMQPCloseArguments(replyCode: AMQPReplyCode.success, replyText: "closed by the client")),
            channel: channel.id
        )
    }

    /// The channel state behind a facade, if that channel is still open (ids are reused, so identity is checked).
    func usableChannel(_ facade: AMQPChannel) -> ChannelState? {
        guard self.phase == .open, let channel = self.channels[facade.id], channel.facade === facade, channel.isUsable else {
            return nil
        }
        return channel
    }

    /// The error for an operation on a channel that is closing or closed.
    func unusableChannelError(_ facade: AMQPChannel) -> AMQPError {
        if let error = facade.closedError {
            return error
        }
        return self.phase == .open ? AMQPError.channelClosedByClient(facade.id) : self.currentError
    }

    func handleChannelFrame(_ payload: AMQPFrame.Payload, on channel: ChannelState) throws(AMQPProtocolViolation) {
        if channel.phase == .closing {
            try self.handleWhileClosing(payload, on: channel)
            return
        }
        switch payload {
        case .method(let method):
            guard channel.incomingContent == nil else {
                throw .unexpectedFrame("\(method) on channel \(channel.id) while a content header or body was expected")
            }
            try self.handleChannelMethod(method, on: channel)
        case .header(let header):
            try self.receivedContentHeader(header, on: channel)
        case .body(let body):
            try self.receivedContentBody(body, on: channel)
        case .heartbeat:
            throw .frameError("a heartbeat frame on channel \(channel.id)")
        }
    }

    private func handleChannelMethod(_ method: AMQPMethod, on channel: ChannelState) throws(AMQPProtocolViolation) {
        switch method {
        case .channelClose(let close):
            try? self.write(.channelCloseOk, channel: channel.id)
            let error = AMQPError(.channelClosed, replyCode: close.replyCode, replyText: close.replyText)
            self.logger.debug("the broker closed a channel", metadata: ["channel": "\(channel.id)", "code": "\(close.replyCode)", "text": "\(close.replyText)"])
            self.releaseChannel(channel, error: error, reason: error)
        case .channelFlow(let active):
            try? self.write(.channelFlowOk(active: active), channel: channel.id)
        case .basicDeliver(let deliver):
            channel.incomingContent = IncomingContent(method: .deliver(deliver))
        case .basicReturn(let basicReturn):
            channel.incomingContent = IncomingContent(method: .returned(basicReturn))
        case .basicAck(let deliveryTag, let multiple):
            try self.receivedConfirm(deliveryTag: deliveryTag, multiple: multiple, nack: false, on: channel)
        case .basicNack(let deliveryTag, let multiple, _):
            try self.receivedConfirm(deliveryTag: deliveryTag, multiple: multiple, nack: true, on: channel)
        case .basicCancel(let consumerTag, let noWait):
            self.receivedServerCancel(consumerTag: consumerTag, on: channel)
            if !noWait {
                try? self.write(.basicCancelOk(consumerTag: consumerTag), channel: channel.id)
            }
        default:
            try self.receivedReply(method, on: channel)
        }
    }

    private func receivedReply(_ method: AMQPMethod, on channel: ChannelState) throws(AMQPProtocolViolation) {
        guard let pending = channel.pendingReplies.first, pending.expected == method.id else {
            throw .commandInvalid("unexpected \(method) on channel \(channel.id)")
        }
        channel.pendingReplies.removeFirst()
        switch (pending.action, method) {
        case (.none, .channelOpenOk):
            channel.phase = .open
        case (.registerConsumer(let continuation), .basicConsumeOk(let consumerTag)):
            channel.consumers[consumerTag] = continuation
        case (.finishConsumer, .basicCancelOk(let consumerTag)):
            channel.consumers.removeValue(forKey: consumerTag)?.finish()
        default:
            break
        }
        pending.promise.succeed(method)
    }

    private func handleWhileClosing(_ payload: AMQPFrame.Payload, on channel: ChannelState) throws(AMQPProtocolViolation) {
        switch payload {
        case .method(.channelClose(let close)):
            try? self.write(.channelCloseOk, channel: channel.id)
            channel.serverCloseWhileClosing = AMQPError(.channelClosed, replyCode: close.replyCode, replyText: close.replyText)
        case .method(.channelCloseOk):
            let error = channel.serverCloseWhileClosing ?? AMQPError.channelClosedByClient(channel.id)
            self.releaseChannel(channel, error: error, reason: channel.serverCloseWhileClosing)
        default:
            return
        }
    }

    /// Fails what is in flight on the channel and frees its id.
    private func releaseChannel(_ channel: ChannelState, error: AMQPError, reason: AMQPError?) {
        self.channels.removeValue(forKey: channel.id)
        self.channelIDs.release(channel.id)
        channel.tearDown(error: error, reason: reason)
    }
}
