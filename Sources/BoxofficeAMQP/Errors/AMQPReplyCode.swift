/// The reply codes of AMQP 0-9-1 that this client sends or interprets.
enum AMQPReplyCode {
    static let success: UInt16 = 200
    static let accessRefused: UInt16 = 403
    static let frameError: UInt16 = 501
    static let syntaxError: UInt16 = 502
    static let commandInvalid: UInt16 = 503
    static let channelError: UInt16 = 504
    static let unexpectedFrame: UInt16 = 505
    static let internalError: UInt16 = 541
}

/// A violation of the protocol found while reading the peer's frames; answered with connection.close and `replyCode`.
struct AMQPProtocolViolation: Error, Hashable {
    var replyCode: UInt16
    var text: String
    var classID: UInt16 = 0
    var methodID: UInt16 = 0

    static func frameError(_ text: String) -> Self { Self(replyCode: AMQPReplyCode.frameError, text: text) }
    static func syntaxError(_ text: String) -> Self { Self(replyCode: AMQPReplyCode.syntaxError, text: text) }
    static func commandInvalid(_ text: String) -> Self { Self(replyCode: AMQPReplyCode.commandInvalid, text: text) }
    static func channelError(_ text: String) -> Self { Self(replyCode: AMQPReplyCode.channelError, text: text) }
    static func unexpectedFrame(_ text: String) -> Self { Self(replyCode: AMQPReplyCode.unexpectedFrame, text: text) }
}
