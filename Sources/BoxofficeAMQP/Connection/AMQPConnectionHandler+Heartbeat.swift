import Logging
import NIOCore

extension AMQPConnectionHandler {
    /// Starts checking both directions: a heartbeat frame goes out whenever nothing was written for half the interval,
    /// and the socket is closed when nothing at all was received for two intervals.
    func startHeartbeats(seconds: UInt16) {
        guard seconds > 0, let context = self.context else { return }
        self.heartbeatInterval = .seconds(Int64(seconds))
        let tick = TimeAmount.nanoseconds(self.heartbeatInterval.nanoseconds / 4)
        let handler = self.loopBound
        self.heartbeatTask = context.eventLoop.scheduleRepeatedTask(initialDelay: tick, delay: tick) { _ in
            handler.value.heartbeatTick()
        }
    }

    func stopHeartbeats() {
        self.heartbeatTask?.cancel()
        self.heartbeatTask = nil
    }

    private func heartbeatTick() {
        guard self.phase != .closed, let context = self.context else { return }
        let now = NIODeadline.now()
        if now - self.lastRead >= self.heartbeatInterval * 2 {
            let seconds = self.heartbeatInterval.nanoseconds / 1_000_000_000
            self.logger.warning("no data from the broker for two heartbeat intervals; closing the socket")
            if self.closeReason == nil {
                self.closeReason = .error(
                    AMQPError(.heartbeatTimeout, replyText: "nothing received from the broker for \(2 * seconds) s (heartbeat \(seconds) s)")
                )
            }
            self.stopHeartbeats()
            context.close(promise: nil)
            return
        }
        if now - self.lastWrite >= TimeAmount.nanoseconds(self.heartbeatInterval.nanoseconds / 2) {
            var buffer = context.channel.allocator.buffer(capacity: AMQPFraming.overhead)
            buffer.writeAMQPHeartbeatFrame()
            self.write(buffer)
        }
    }
}
