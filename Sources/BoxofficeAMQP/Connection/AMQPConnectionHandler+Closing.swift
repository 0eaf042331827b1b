import Logging
import NIOCore

extension AMQPConnectionHandler {
    /// Starts the client's close: connection.close, then the socket closes on close-ok (or after a timeout).
    func close() {
        switch self.phase {
        case .open:
            self.closeReason = .byClient
            self.sendConnectionClose(AMQPCloseArguments(replyCode: AMQPReplyCode.success, replyText: "closed by the client"))
        case .awaitingStart, .awaitingTune, .awaitingOpenOk:
            self.closeReason = .byClient
            self.context?.close(promise: nil)
        case .closing, .closed:
            return
        }
    }

    /// Answers a broker's connection.close with close-ok and closes the socket.
    func receivedConnectionClose(_ close: AMQPCloseArguments) {
        if self.closeReason == nil {
            self.closeReason = .error(self.error(forServerClose: close))
        }
        self.logger.debug("the broker closed the connection", metadata: ["code": "\(close.replyCode)", "text": "\(close.replyText)"])
        self.writeAndClose(.connectionCloseOk)
    }

    /// Answers the broker's protocol violation with connection.close and the violation's reply code.
    ///
    /// When the byte stream can no longer be cut into frames, close-ok could not be recognised, so the socket closes
    /// as soon as connection.close is written; otherwise close-ok is awaited as usual.
    func failProtocol(_ violation: AMQPProtocolViolation, streamIsBroken: Bool = false) {
        guard self.phase != .closing, self.phase != .closed else { return }
        self.logger.error("protocol error from the broker", metadata: ["code": "\(violation.replyCode)", "text": "\(violation.text)"])
        if self.closeReason == nil {
            self.closeReason = .error(AMQPError(.protocolError, replyCode: violation.replyCode, replyText: violation.text))
        }
        self.sendConnectionClose(
            AMQPCloseArguments(
                replyCode: violation.replyCode,
                replyText: String(violation.text.utf8.prefix(255)) ?? "protocol error",
                classID: violation.classID,
                methodID: violation.methodID
            ),
            closeSocketWhenWritten: streamIsBroken
        )
    }

    /// Ends everything once the socket has closed: each channel, each waiter and `closed()` learn why.
    func tearDown() {
        guard !self.isTornDown else { return }
        self.isTornDown = true
        self.phase = .closed
        self.status.isOpen = false
        self.status.isBlocked = false
        self.stopHeartbeats()
        self.handshakeTimeout?.cancel()
        self.handshakeTimeout = nil
        self.closeTimeout?.cancel()
        self.closeTimeout = nil
        self.readBuffer = nil
        let reason: AMQPError? =
            switch self.closeReason {
            case nil: AMQPError(.connectionLost, replyText: "the broker closed the socket")
            case .byClient: nil
            case .error(let error): error
            }
        let error = reason ?? AMQPError.connectionClosedByClient
        let channels = self.channels.values
        self.channels.removeAll()
        for channel in channels {
            channel.tearDown(error: error, reason: reason)
        }
        self.handshakePromise.fail(reason.map { Self.handshakeError($0) } ?? error)
        self.closePromise.succeed(reason)
        if let context = self.context, context.channel.isActive {
            context.close(promise: nil)
        }
    }

    private func sendConnectionClose(_ close: AMQPCloseArguments, closeSocketWhenWritten: Bool = false) {
        guard let context = self.context else { return }
        self.phase = .closing
        var buffer = context.channel.allocator.buffer(capacity: 64)
        try? buffer.writeAMQPMethodFrame(channel: 0, .connectionClose(close))
        self.lastWrite = .now()
        let handler = self.loopBound
        guard !closeSocketWhenWritten else {
            context.writeAndFlush(self.wrapOutboundOut(buffer)).whenComplete { _ in
                handler.value.context?.close(promise: nil)
            }
            return
        }
        context.writeAndFlush(self.wrapOutboundOut(buffer), promise: nil)
        self.closeTimeout = context.eventLoop.scheduleTask(in: Self.closeHandshakeTimeout) {
            handler.value.logger.debug("no connection.close-ok in time; closing the socket")
            handler.value.context?.close(promise: nil)
        }
    }

    private func error(forServerClose close: AMQPCloseArguments) -> AMQPError {
        switch self.phase {
        case .awaitingTune where close.replyCode == AMQPReplyCode.accessRefused:
            AMQPError(
                .authenticationFailed,
                replyCode: close.replyCode,
                replyText: "the broker refused user '\(self.configuration.username)': \(close.replyText)"
            )
        case .awaitingStart, .awaitingTune, .awaitingOpenOk:
            AMQPError(.connectFailed, replyCode: close.replyCode, replyText: close.replyText)
        default:
            AMQPError(.connectionClosed, replyCode: close.replyCode, replyText: close.replyText)
        }
    }

    /// A socket that closes during the handshake is a failed connect, unless a more precise error is known.
    private static func handshakeError(_ error: AMQPError) -> AMQPError {
        error.kind == .connectionLost ? AMQPError(.connectFailed, replyText: error.replyText) : error
    }
}
