import NIOCore

extension ByteBuffer {
    /// Reads a whole method payload; unknown methods are command-invalid, malformed or trailing arguments a syntax error.
    mutating func readAMQPMethod() throws -> AMQPMethod {
        let classID = try self.readAMQPInteger(as: UInt16.self)
        let methodID = try self.readAMQPInteger(as: UInt16.self)
        let method: AMQPMethod
        do {
            method = try self.readAMQPMethodArguments(classID: classID, methodID: methodID)
        } catch var violation as AMQPProtocolViolation {
            violation.classID = classID
            violation.methodID = methodID
            throw violation
        }
        guard self.readableBytes == 0 else {
            var violation = AMQPProtocolViolation.syntaxError("\(self.readableBytes) unexpected bytes after the arguments of \(method)")
            violation.classID = classID
            violation.methodID = methodID
            throw violation
        }
        return method
    }

    private mutating func readAMQPMethodArguments(classID: UInt16, methodID: UInt16) throws -> AMQPMethod {
        switch (classID, methodID) {
        case (10, 10):
            return .connectionStart(
                ConnectionStart(
                    versionMajor: try self.readAMQPInteger(),
                    versionMinor: try self.readAMQPInteger(),
                    serverProperties: try self.readAMQPTable(),
                    mechanisms: try self.readAMQPLongString(),
                    locales: try self.readAMQPLongString()
                )
            )
        case (10, 11):
            return .connectionStartOk(
                ConnectionStartOk(
                    clientProperties: try self.readAMQPTable(),
                    mechanism: try self.readAMQPShortString(),
                    response: try self.readAMQPLongBytes(),
                    locale: try self.readAMQPShortString()
                )
            )
        case (10, 30): return .connectionTune(try self.readConnectionTune())
        case (10, 31): return .connectionTuneOk(try self.readConnectionTune())
        case (10, 40):
            let virtualHost = try self.readAMQPShortString()
            _ = try self.readAMQPShortString()
            _ = try self.readAMQPBits()
            return .connectionOpen(virtualHost: virtualHost)
        case (10, 41):
            _ = try self.readAMQPShortString()
            return .connectionOpenOk
        case (10, 50): return .connectionClose(try self.readCloseArguments())
        case (10, 51): return .connectionCloseOk
        case (10, 60): return .connectionBlocked(reason: try self.readAMQPShortString())
        case (10, 61): return .connectionUnblocked
        case (20, 10):
            _ = try self.readAMQPShortString()
            return .channelOpen
        case (20, 11):
            _ = try self.readAMQPLongBytes()
            return .channelOpenOk
        case (20, 20): return .channelFlow(active: try self.readAMQPBits()[0])
        case (20, 21): return .channelFlowOk(active: try self.readAMQPBits()[0])
        case (20, 40): return .channelClose(try self.readCloseArguments())
        case (20, 41): return .channelCloseOk
        case (40, 10):
            _ = try self.readAMQPInteger(as: UInt16.self)
            let exchange = try self.readAMQPShortString()
            let type = try self.readAMQPShortString()
            let bits = try self.readAMQPBits()
            return .exchangeDeclare(
                ExchangeDeclare(
                    exchange: exchange,
                    type: type,
                    passive: bits[0],
                    durable: bits[1],
                    autoDelete: bits[2],
                    internal: bits[3],
                    noWait: bits[4],
                    arguments: try self.readAMQPTable()
                )
            )
        case (40, 11): return .exchangeDeclareOk
        case (50, 10):
            _ = try self.readAMQPInteger(as: UInt16.self)
            let queue = try self.readAMQPShortString()
            let bits = try self.readAMQPBits()
            return .queueDeclare(
                QueueDeclare(
                    queue: queue,
                    passive: bits[0],
                    durable: bits[1],
                    exclusive: bits[2],
                    autoDelete: bits[3],
                    noWait: bits[4],
                    arguments: try self.readAMQPTable()
                )
            )
        case (50, 11):
            return .queueDeclareOk(
                AMQPQueueInfo(
                    name: try self.readAMQPShortString(),
                    messageCount: try self.readAMQPInteger(),
                    consumerCount: try self.readAMQPInteger()
                )
            )
        case (50, 20):
            _ = try self.readAMQPInteger(as: UInt16.self)
            return .queueBind(
                QueueBind(
                    queue: try self.readAMQPShortString(),
                    exchange: try self.readAMQPShortString(),
                    routingKey: try self.readAMQPShortString(),
                    noWait: try self.readAMQPBits()[0],
                    arguments: try self.readAMQPTable()
                )
            )
        case (50, 21): return .queueBindOk
        case (60, 10):
            return .basicQos(
                prefetchSize: try self.readAMQPInteger(),
                prefetchCount: try self.readAMQPInteger(),
                global: try self.readAMQPBits()[0]
            )
        case (60, 11): return .basicQosOk
        case (60, 20):
            _ = try self.readAMQPInteger(as: UInt16.self)
            let queue = try self.readAMQPShortString()
            let consumerTag = try self.readAMQPShortString()
            let bits = try self.readAMQPBits()
            return .basicConsume(
                BasicConsume(
                    queue: queue,
                    consumerTag: consumerTag,
                    noLocal: bits[0],
                    noAck: bits[1],
                    exclusive: bits[2],
                    noWait: bits[3],
                    arguments: try self.readAMQPTable()
                )
            )
        case (60, 21): return .basicConsumeOk(consumerTag: try self.readAMQPShortString())
        case (60, 30):
            return .basicCancel(consumerTag: try self.readAMQPShortString(), noWait: try self.readAMQPBits()[0])
        case (60, 31): return .basicCancelOk(consumerTag: try self.readAMQPShortString())
        case (60, 40):
            _ = try self.readAMQPInteger(as: UInt16.self)
            let exchange = try self.readAMQPShortString()
            let routingKey = try self.readAMQPShortString()
            let bits = try self.readAMQPBits()
            return .basicPublish(
                BasicPublish(exchange: exchange, routingKey: routingKey, mandatory: bits[0], immediate: bits[1])
            )
        case (60, 50):
            return .basicReturn(
                BasicReturn(
                    replyCode: try self.readAMQPInteger(),
                    replyText: try self.readAMQPShortString(),
                    exchange: try self.readAMQPShortString(),
                    routingKey: try self.readAMQPShortString()
                )
            )
        case (60, 60):
            return .basicDeliver(
                BasicDeliver(
                    consumerTag: try self.readAMQPShortString(),
                    deliveryTag: try self.readAMQPInteger(),
                    redelivered: try self.readAMQPBits()[0],
                    exchange: try self.readAMQPShortString(),
                    routingKey: try self.readAMQPShortString()
                )
            )
        case (60, 80):
            return .basicAck(deliveryTag: try self.readAMQPInteger(), multiple: try self.readAMQPBits()[0])
        case (60, 90):
            return .basicReject(deliveryTag: try self.readAMQPInteger(), requeue: try self.readAMQPBits()[0])
        case (60, 120):
            let deliveryTag = try self.readAMQPInteger(as: UInt64.self)
            let bits = try self.readAMQPBits()
            return .basicNack(deliveryTag: deliveryTag, multiple: bits[0], requeue: bits[1])
        case (85, 10): return .confirmSelect(noWait: try self.readAMQPBits()[0])
        case (85, 11): return .confirmSelectOk
        default:
            throw AMQPProtocolViolation.commandInvalid("unknown method \(classID).\(methodID)")
        }
    }

    private mutating func readConnectionTune() throws -> ConnectionTune {
        ConnectionTune(
            channelMax: try self.readAMQPInteger(),
            frameMax: try self.readAMQPInteger(),
            heartbeat: try self.readAMQPInteger()
        )
    }

    private mutating func readCloseArguments() throws -> AMQPCloseArguments {
        AMQPCloseArguments(
            replyCode: try self.readAMQPInteger(),
            replyText: try self.readAMQPShortString(),
            classID: try self.readAMQPInteger(),
            methodID: try self.readAMQPInteger()
        )
    }
}
