/// An error reported by the AMQP client: what happened, and the reply code and text the peer sent, if any.
public struct AMQPError: Error, Sendable, Hashable, CustomStringConvertible {
    /// What kind of failure this is.
    public struct Kind: Sendable, Hashable, CustomStringConvertible {
        private enum Base: String, Sendable, Hashable {
            case connectFailed, authenticationFailed, connectionClosed, connectionLost, heartbeatTimeout
            case protocolError, channelClosed, channelLimitReached, publishNacked, publishReturned
            case consumerCancelled, invalidArgument
        }

        private let base: Base

        private init(_ base: Base) {
            self.base = base
        }

        /// The TCP connection or the AMQP handshake failed.
        public static let connectFailed = Kind(.connectFailed)
        /// The broker refused the credentials (403 ACCESS_REFUSED during the handshake).
        public static let authenticationFailed = Kind(.authenticationFailed)
        /// The connection was closed with connection.close, by the broker or by this client.
        public static let connectionClosed = Kind(.connectionClosed)
        /// The socket closed or failed without an AMQP close handshake.
        public static let connectionLost = Kind(.connectionLost)
        /// Nothing was received from the broker for two heartbeat intervals.
        public static let heartbeatTimeout = Kind(.heartbeatTimeout)
        /// The broker broke the protocol; this client closed the connection with the reply code.
        public static let protocolError = Kind(.protocolError)
        /// The channel was closed with channel.close, by the broker or by this client.
        public static let channelClosed = Kind(.channelClosed)
        /// Every channel id up to the negotiated channel_max is in use.
        public static let channelLimitReached = Kind(.channelLimitReached)
        /// The broker answered a confirmed publish with basic.nack.
        public static let publishNacked = Kind(.publishNacked)
        /// The broker returned a mandatory publish with basic.return (it could not be routed).
        public static let publishReturned = Kind(.publishReturned)
        /// The broker cancelled the consumer (for example, its queue was deleted).
        public static let consumerCancelled = Kind(.consumerCancelled)
        /// An argument cannot be sent (for example, a short string longer than 255 bytes).
        public static let invalidArgument = Kind(.invalidArgument)

        /// The kind's name, such as `channelClosed`.
        public var description: String { self.base.rawValue }
    }

    /// What kind of failure this is.
    public var kind: Kind
    /// The AMQP reply code, when the peer sent one (for example 404 for NOT_FOUND).
    public var replyCode: UInt16?
    /// The reply text sent by the peer, or a description written by this client.
    public var replyText: String

    /// Creates an error.
    /// - Parameters:
    ///   - kind: What kind of failure this is.
    ///   - replyCode: The AMQP reply code, if any.
    ///   - replyText: The peer's reply text or a description.
    public init(_ kind: Kind, replyCode: UInt16? = nil, replyText: String) {
        self.kind = kind
        self.replyCode = replyCode
        self.replyText = replyText
    }

    /// The kind, the reply code when there is one, and the text.
    public var description: String {
        if let replyCode {
            return "AMQPError.\(self.kind) (\(replyCode)): \(self.replyText)"
        }
        return "AMQPError.\(self.kind): \(self.replyText)"
    }
}

extension AMQPError {
    static func channelClosedByClient(_ channelID: UInt16) -> AMQPError {
        AMQPError(.channelClosed, replyCode: AMQPReplyCode.success, replyText: "channel \(channelID) was closed by the client")
    }

    static let connectionClosedByClient = AMQPError(
        .connectionClosed,
        replyCode: AMQPReplyCode.success,
        replyText: "the connection was closed by the client"
    )
}
