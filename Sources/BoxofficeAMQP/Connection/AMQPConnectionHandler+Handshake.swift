import Logging
import NIOCore

extension AMQPConnectionHandler {
    /// Sends the protocol header and arms the handshake timeout.
    func startHandshake() {
        guard let context = self.context, self.phase == .awaitingStart, self.handshakeTimeout == nil else { return }
        let handler = self.loopBound
        self.handshakeTimeout = context.eventLoop.scheduleTask(deadline: self.handshakeDeadline) {
            handler.value.handshakeTimedOut()
        }
        self.lastRead = .now()
        var header = context.channel.allocator.buffer(capacity: AMQPFraming.protocolHeader.count)
        header.writeBytes(AMQPFraming.protocolHeader)
        self.write(header)
    }

    func handleHandshake(_ frame: AMQPFrame) throws(AMQPProtocolViolation) {
        guard frame.channel == 0 else {
            throw .channelError("a frame on channel \(frame.channel) before the connection is open")
        }
        switch (self.phase, frame.payload) {
        case (_, .method(.connectionClose(let close))):
            self.receivedConnectionClose(close)
        case (.awaitingStart, .method(.connectionStart(let start))):
            try self.receivedStart(start)
        case (.awaitingTune, .method(.connectionTune(let tune))):
            try self.receivedTune(tune)
        case (.awaitingOpenOk, .method(.connectionOpenOk)):
            self.receivedOpenOk()
        case (.awaitingOpenOk, .heartbeat):
            return
        case (_, .method(let method)):
            throw .commandInvalid("unexpected \(method) during the connection handshake")
        default:
            throw .unexpectedFrame("unexpected frame during the connection handshake")
        }
    }

    private func receivedStart(_ start: ConnectionStart) throws(AMQPProtocolViolation) {
        guard start.versionMajor == 0, start.versionMinor == 9 else {
            throw .commandInvalid("the server speaks AMQP \(start.versionMajor)-\(start.versionMinor), not 0-9")
        }
        guard start.mechanisms.split(separator: " ").contains("PLAIN") else {
            throw .commandInvalid("the server does not offer PLAIN authentication (it offers \(start.mechanisms))")
        }
        var response = ByteBuffer()
        response.writeInteger(UInt8(0))
        response.writeString(self.configuration.username)
        response.writeInteger(UInt8(0))
        response.writeString(self.configuration.password)
        let startOk = ConnectionStartOk(
            clientProperties: self.configuration.clientProperties,
            mechanism: "PLAIN",
            response: response,
            locale: "en_US"
        )
        self.phase = .awaitingTune
        try self.writeHandshake(.connectionStartOk(startOk))
    }

    private func receivedTune(_ serverTune: ConnectionTune) throws(AMQPProtocolViolation) {
        let clientTune = ConnectionTune(
            channelMax: self.configuration.channelMax,
            frameMax: self.configuration.frameMax,
            heartbeat: (try? self.configuration.heartbeatSeconds) ?? 0
        )
        let tune = ConnectionTune.negotiate(client: clientTune, server: serverTune)
        guard tune.frameMax == 0 || tune.frameMax >= AMQPFraming.minimumFrameSize else {
            throw .commandInvalid("the server's frame_max \(serverTune.frameMax) is below \(AMQPFraming.minimumFrameSize)")
        }
        self.frameMax = tune.frameMax
        self.decoder.maximumFrameSize = tune.frameMax
        self.channelIDs = ChannelIDAllocator(channelMax: tune.channelMax)
        self.status.negotiated = AMQPNegotiatedParameters(
            frameMax: tune.frameMax,
            channelMax: tune.channelMax,
            heartbeat: .seconds(Int64(tune.heartbeat))
        )
        self.logger.debug(
            "connection tuned",
            metadata: ["frame_max": "\(tune.frameMax)", "channel_max": "\(tune.channelMax)", "heartbeat": "\(tune.heartbeat)"]
        )
        self.phase = .awaitingOpenOk
        try self.writeHandshake(.connectionTuneOk(tune))
        try self.writeHandshake(.connectionOpen(virtualHost: self.configuration.virtualHost))
        self.startHeartbeats(seconds: tune.heartbeat)
    }

    private func receivedOpenOk() {
        self.phase = .open
        self.status.isOpen = true
        self.handshakeTimeout?.cancel()
        self.handshakeTimeout = nil
        self.logger.debug("connection open")
        self.handshakePromise.succeed()
    }

    private func writeHandshake(_ method: AMQPMethod) throws(AMQPProtocolViolation) {
        do {
            try self.write(method, channel: 0)
        } catch {
            throw AMQPProtocolViolation(replyCode: AMQPReplyCode.internalError, text: "cannot send \(method): \(error)")
        }
    }

    private func handshakeTimedOut() {
        self.handshakeTimeout = nil
        guard self.phase != .open, self.phase != .closed else { return }
        if self.closeReason == nil {
            self.closeReason = .error(
                AMQPError(.connectFailed, replyText: "the AMQP handshake with \(self.configuration.redacted) timed out")
            )
        }
        self.context?.close(promise: nil)
    }
}
