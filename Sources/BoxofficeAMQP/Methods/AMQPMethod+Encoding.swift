import NIOCore

extension ByteBuffer {
    /// Writes a method payload: class id, method id and the arguments.
    mutating func writeAMQPMethod(_ method: AMQPMethod) throws {
        let id = method.id
        self.writeInteger(id.classID)
        self.writeInteger(id.methodID)
        switch method {
        case .connectionStart(let start):
            self.writeInteger(start.versionMajor)
            self.writeInteger(start.versionMinor)
            try self.writeAMQPTable(start.serverProperties)
            self.writeAMQPLongString(start.mechanisms)
            self.writeAMQPLongString(start.locales)
        case .connectionStartOk(let startOk):
            try self.writeAMQPTable(startOk.clientProperties)
            try self.writeAMQPShortString(startOk.mechanism)
            self.writeAMQPLongBytes(startOk.response)
            try self.writeAMQPShortString(startOk.locale)
        case .connectionTune(let tune), .connectionTuneOk(let tune):
            self.writeInteger(tune.channelMax)
            self.writeInteger(tune.frameMax)
            self.writeInteger(tune.heartbeat)
        case .connectionOpen(let virtualHost):
            try self.writeAMQPShortString(virtualHost)
            try self.writeAMQPShortString("")
            self.writeAMQPBits(false)
        case .connectionOpenOk:
            try self.writeAMQPShortString("")
        case .connectionClose(let close), .channelClose(let close):
            self.writeInteger(close.replyCode)
            try self.writeAMQPShortString(close.replyText)
            self.writeInteger(close.classID)
            self.writeInteger(close.methodID)
        case .connectionBlocked(let reason):
            try self.writeAMQPShortString(reason)
        case .channelOpen:
            try self.writeAMQPShortString("")
        case .channelOpenOk:
            self.writeAMQPLongString("")
        case .channelFlow(let active), .channelFlowOk(let active):
            self.writeAMQPBits(active)
        case .exchangeDeclare(let declare):
            self.writeInteger(UInt16(0))
            try self.writeAMQPShortString(declare.exchange)
            try self.writeAMQPShortString(declare.type)
            self.writeAMQPBits(declare.passive, declare.durable, declare.autoDelete, declare.internal, declare.noWait)
            try self.writeAMQPTable(declare.arguments)
        case .queueDeclare(let declare):
            self.writeInteger(UInt16(0))
            try self.writeAMQPShortString(declare.queue)
            self.writeAMQPBits(declare.passive, declare.durable, declare.exclusive, declare.autoDelete, declare.noWait)
            try self.writeAMQPTable(declare.arguments)
        case .queueDeclareOk(let info):
            try self.writeAMQPShortString(info.name)
            self.writeInteger(info.messageCount)
            self.writeInteger(info.consumerCount)
        case .queueBind(let bind):
            self.writeInteger(UInt16(0))
            try self.writeAMQPShortString(bind.queue)
            try self.writeAMQPShortString(bind.exchange)
            try self.writeAMQPShortString(bind.routingKey)
            self.writeAMQPBits(bind.noWait)
            try self.writeAMQPTable(bind.arguments)
        case .basicQos(let prefetchSize, let prefetchCount, let global):
            self.writeInteger(prefetchSize)
            self.writeInteger(prefetchCount)
            self.writeAMQPBits(global)
        case .basicConsume(let consume):
            self.writeInteger(UInt16(0))
            try self.writeAMQPShortString(consume.queue)
            try self.writeAMQPShortString(consume.consumerTag)
            self.writeAMQPBits(consume.noLocal, consume.noAck, consume.exclusive, consume.noWait)
            try self.writeAMQPTable(consume.arguments)
        case .basicConsumeOk(let consumerTag), .basicCancelOk(let consumerTag):
            try self.writeAMQPShortString(consumerTag)
        case .basicCancel(let consumerTag, let noWait):
            try self.writeAMQPShortString(consumerTag)
            self.writeAMQPBits(noWait)
        case .basicPublish(let publish):
            self.writeInteger(UInt16(0))
            try self.writeAMQPShortString(publish.exchange)
            try self.writeAMQPShortString(publish.routingKey)
            self.writeAMQPBits(publish.mandatory, publish.immediate)
        case .basicReturn(let basicReturn):
            self.writeInteger(basicReturn.replyCode)
            try self.writeAMQPShortString(basicReturn.replyText)
            try self.writeAMQPShortString(basicReturn.exchange)
            try self.writeAMQPShortString(basicReturn.routingKey)
        case .basicDeliver(let deliver):
            try self.writeAMQPShortString(deliver.consumerTag)
            self.writeInteger(deliver.deliveryTag)
            self.writeAMQPBits(deliver.redelivered)
            try self.writeAMQPShortString(deliver.exchange)
            try self.writeAMQPShortString(deliver.routingKey)
        case .basicAck(let deliveryTag, let multiple):
            self.writeInteger(deliveryTag)
            self.writeAMQPBits(multiple)
        case .basicReject(let deliveryTag, let requeue):
            self.writeInteger(deliveryTag)
            self.writeAMQPBits(requeue)
        case .basicNack(let deliveryTag, let multiple, let requeue):
            self.writeInteger(deliveryTag)
            self.writeAMQPBits(multiple, requeue)
        case .confirmSelect(let noWait):
            self.writeAMQPBits(noWait)
        case .connectionCloseOk, .connectionUnblocked, .channelCloseOk, .exchangeDeclareOk, .queueBindOk,
            .basicQosOk, .confirmSelectOk:
            break
        }
    }
}
