/// A method frame's payload: every method of AMQP 0-9-1 this client sends or receives.
enum AMQPMethod: Sendable, Hashable, CustomStringConvertible {
    case connectionStart(ConnectionStart)
    case connectionStartOk(ConnectionStartOk)
    case connectionTune(ConnectionTune)
    case connectionTuneOk(ConnectionTune)
    case connectionOpen(virtualHost: String)
    case connectionOpenOk
    case connectionClose(AMQPCloseArguments)
    case connectionCloseOk
    case connectionBlocked(reason: String)
    case connectionUnblocked
    case channelOpen
    case channelOpenOk
    case channelFlow(active: Bool)
    case channelFlowOk(active: Bool)
    case channelClose(AMQPCloseArguments)
    case channelCloseOk
    case exchangeDeclare(ExchangeDeclare)
    case exchangeDeclareOk
    case queueDeclare(QueueDeclare)
    case queueDeclareOk(AMQPQueueInfo)
    case queueBind(QueueBind)
    case queueBindOk
    case basicQos(prefetchSize: UInt32, prefetchCount: UInt16, global: Bool)
    case basicQosOk
    case basicConsume(BasicConsume)
    case basicConsumeOk(consumerTag: String)
    case basicCancel(consumerTag: String, noWait: Bool)
    case basicCancelOk(consumerTag: String)
    case basicPublish(BasicPublish)
    case basicReturn(BasicReturn)
    case basicDeliver(BasicDeliver)
    case basicAck(deliveryTag: UInt64, multiple: Bool)
    case basicReject(deliveryTag: UInt64, requeue: Bool)
    case basicNack(deliveryTag: UInt64, multiple: Bool, requeue: Bool)
    case confirmSelect(noWait: Bool)
    case confirmSelectOk

    /// The class id and method id on the wire.
    var id: AMQPMethodID {
        switch self {
        case .connectionStart: AMQPMethodID(classID: 10, methodID: 10)
        case .connectionStartOk: AMQPMethodID(classID: 10, methodID: 11)
        case .connectionTune: AMQPMethodID(classID: 10, methodID: 30)
        case .connectionTuneOk: AMQPMethodID(classID: 10, methodID: 31)
        case .connectionOpen: AMQPMethodID(classID: 10, methodID: 40)
        case .connectionOpenOk: AMQPMethodID(classID: 10, methodID: 41)
        case .connectionClose: AMQPMethodID(classID: 10, methodID: 50)
        case .connectionCloseOk: AMQPMethodID(classID: 10, methodID: 51)
        case .connectionBlocked: AMQPMethodID(classID: 10, methodID: 60)
        case .connectionUnblocked: AMQPMethodID(classID: 10, methodID: 61)
        case .channelOpen: AMQPMethodID(classID: 20, methodID: 10)
        case .channelOpenOk: AMQPMethodID(classID: 20, methodID: 11)
        case .channelFlow: AMQPMethodID(classID: 20, methodID: 20)
        case .channelFlowOk: AMQPMethodID(classID: 20, methodID: 21)
        case .channelClose: AMQPMethodID(classID: 20, methodID: 40)
        case .channelCloseOk: AMQPMethodID(classID: 20, methodID: 41)
        case .exchangeDeclare: AMQPMethodID(classID: 40, methodID: 10)
        case .exchangeDeclareOk: AMQPMethodID(classID: 40, methodID: 11)
        case .queueDeclare: AMQPMethodID(classID: 50, methodID: 10)
        case .queueDeclareOk: AMQPMethodID(classID: 50, methodID: 11)
        case .queueBind: AMQPMethodID(classID: 50, methodID: 20)
        case .queueBindOk: AMQPMethodID(classID: 50, methodID: 21)
        case .basicQos: AMQPMethodID(classID: 60, methodID: 10)
        case .basicQosOk: AMQPMethodID(classID: 60, methodID: 11)
        case .basicConsume: AMQPMethodID(classID: 60, methodID: 20)
        case .basicConsumeOk: AMQPMethodID(classID: 60, methodID: 21)
        case .basicCancel: AMQPMethodID(classID: 60, methodID: 30)
        case .basicCancelOk: AMQPMethodID(classID: 60, methodID: 31)
        case .basicPublish: AMQPMethodID(classID: 60, methodID: 40)
        case .basicReturn: AMQPMethodID(classID: 60, methodID: 50)
        case .basicDeliver: AMQPMethodID(classID: 60, methodID: 60)
        case .basicAck: AMQPMethodID(classID: 60, methodID: 80)
        case .basicReject: AMQPMethodID(classID: 60, methodID: 90)
        case .basicNack: AMQPMethodID(classID: 60, methodID: 120)
        case .confirmSelect: AMQPMethodID(classID: 85, methodID: 10)
        case .confirmSelectOk: AMQPMethodID(classID: 85, methodID: 11)
        }
    }

    /// Whether a content header and body follow this method.
    var hasContent: Bool {
        switch self {
        case .basicPublish, .basicReturn, .basicDeliver: true
        default: false
        }
    }

    /// The method's name in the specification's notation, such as `queue.declare-ok`; never its arguments.
    var description: String {
        switch self {
        case .connectionStart: "connection.start"
        case .connectionStartOk: "connection.start-ok"
        case .connectionTune: "connection.tune"
        case .connectionTuneOk: "connection.tune-ok"
        case .connectionOpen: "connection.open"
        case .connectionOpenOk: "connection.open-ok"
        case .connectionClose: "connection.close"
        case .connectionCloseOk: "connection.close-ok"
        case .connectionBlocked: "connection.blocked"
        case .connectionUnblocked: "connection.unblocked"
        case .channelOpen: "channel.open"
        case .channelOpenOk: "channel.open-ok"
        case .channelFlow: "channel.flow"
        case .channelFlowOk: "channel.flow-ok"
        case .channelClose: "channel.close"
        case .channelCloseOk: "channel.close-ok"
        case .exchangeDeclare: "exchange.declare"
        case .exchangeDeclareOk: "exchange.declare-ok"
        case .queueDeclare: "queue.declare"
        case .queueDeclareOk: "queue.declare-ok"
        case .queueBind: "queue.bind"
        case .queueBindOk: "queue.bind-ok"
        case .basicQos: "basic.qos"
        case .basicQosOk: "basic.qos-ok"
        case .basicConsume: "basic.consume"
        case .basicConsumeOk: "basic.consume-ok"
        case .basicCancel: "basic.cancel"
        case .basicCancelOk: "basic.cancel-ok"
        case .basicPublish: "basic.publish"
        case .basicReturn: "basic.return"
        case .basicDeliver: "basic.deliver"
        case .basicAck: "basic.ack"
        case .basicReject: "basic.reject"
        case .basicNack: "basic.nack"
        case .confirmSelect: "confirm.select"
        case .confirmSelectOk: "confirm.select-ok"
        }
    }
}
