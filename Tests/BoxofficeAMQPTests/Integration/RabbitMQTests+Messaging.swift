@testable import BoxofficeAMQP
import NIOCore
import Testing

extension RabbitMQTests {
    @Suite("Messaging")
    struct Messaging {
        @Test("connect and close")
        func connectAndClose() async throws {
            let connection = try await TestBroker.connect()
            #expect(connection.isOpen)
            #expect(connection.negotiated.frameMax == 131_072)
            #expect(connection.negotiated.channelMax == 2047)
            #expect(connection.negotiated.heartbeat == .seconds(10))
            try await connection.close()
            #expect(await connection.closed() == nil)
            #expect(!connection.isOpen)
        }

        @Test("a wrong password is authenticationFailed, and the error does not contain it")
        func wrongPassword() async throws {
            var configuration = try TestBroker.configuration()
            configuration.password = "definitely-wrong-password"
            let error = await #expect(throws: AMQPError.self) { _ = try await TestBroker.connect(configuration) }
            #expect(error?.kind == .authenticationFailed)
            #expect(error?.replyCode == 403)
            #expect(error?.description.contains("definitely-wrong-password") == false)
        }

        @Test("durable topic exchange, quorum queue, bind, confirmed persistent publishes, consumed with manual acks")
        func publishAndConsume() async throws {
            let connection = try await TestBroker.connect()
            let channel = try await connection.openChannel()
            let exchange = TestBroker.uniqueName("bookings")
            let deadLetters = TestBroker.uniqueName("dlx")
            let queue = TestBroker.uniqueName("quorum")
            try await channel.exchangeDeclare(exchange, type: "topic", durable: true)
            try await channel.exchangeDeclare(deadLetters, type: "fanout", durable: true)
            let info = try await channel.queueDeclare(
                queue,
                durable: true,
                arguments: ["x-queue-type": "quorum", "x-dead-letter-exchange": .longString(deadLetters), "x-delivery-limit": .int64(5)]
            )
            #expect(info == AMQPQueueInfo(name: queue, messageCount: 0, consumerCount: 0))
            try await channel.queueBind(queue, exchange: exchange, routingKey: "booking.*")
            try await channel.confirmSelect()

            let count = 50
            for number in 0..<count {
                try await channel.publish(
                    ByteBuffer(string: "booking \(number)"),
                    exchange: exchange,
                    routingKey: "booking.created",
                    properties: AMQPProperties(contentType: "text/plain", deliveryMode: AMQPProperties.persistentDeliveryMode, messageId: "\(number)")
                )
            }
            let declared = try await channel.queueDeclare(queue, durable: true, passive: true)
            #expect(declared.messageCount == UInt32(count))

            let consumer = try await channel.consume(queue: queue)
            var received: [String] = []
            for try await delivery in consumer {
                #expect(delivery.properties.deliveryMode == 2)
                #expect(delivery.routingKey == "booking.created")
                received.append(String(buffer: delivery.body))
                try delivery.ack()
                if received.count == count { break }
            }
            #expect(received == (0..<count).map { "booking \($0)" })
            try await channel.cancel(consumerTag: consumer.tag)
            try await channel.close()
            #expect(await channel.closed() == nil)
            try await connection.close()
        }

        @Test("prefetch is honoured: no more unacked deliveries than basic.qos allows")
        func prefetch() async throws {
            let connection = try await TestBroker.connect()
            let channel = try await connection.openChannel()
            let queue = try await channel.queueDeclare("", durable: false, exclusive: true).name
            try await channel.confirmSelect()
            for number in 0..<20 {
                try await channel.publish(ByteBuffer(string: "\(number)"), exchange: "", routingKey: queue)
            }
            try await channel.basicQos(prefetchCount: 5)
            let consumer = try await channel.consume(queue: queue)
            let received = ReceivedDeliveries()
            let consuming = Task {
                for try await delivery in consumer {
                    await received.append(delivery)
                }
            }
            try await Task.sleep(for: .milliseconds(500))
            #expect(await received.count == 5)
            try await received.first?.ack()
            try await Task.sleep(for: .milliseconds(500))
            #expect(await received.count == 6)
            try channel.ack(await received.last!.deliveryTag, multiple: true)
            try await Task.sleep(for: .milliseconds(500))
            #expect(await received.count == 11)
            try await connection.close()
            _ = try? await consuming.value
        }

        @Test("a 1 MB body with frameMax 4096 goes out in 4088-byte frames and comes back whole")
        func largeBody() async throws {
            var configuration = try TestBroker.configuration()
            configuration.frameMax = 4096
            let connection = try await TestBroker.connect(configuration)
            #expect(connection.negotiated.frameMax == 4096)
            let channel = try await connection.openChannel()
            let queue = try await channel.queueDeclare("", durable: false, exclusive: true).name
            try await channel.confirmSelect()
            let body = ByteBuffer(bytes: (0..<1_048_576).map { UInt8(truncatingIfNeeded: $0 &* 31) })
            try await channel.publish(body, exchange: "", routingKey: queue)
            let consumer = try await channel.consume(queue: queue)
            var iterator = consumer.makeAsyncIterator()
            let delivery = try #require(try await iterator.next())
            #expect(delivery.body == body)
            try delivery.ack()
            try await connection.close()
        }

        @Test("a mandatory publish that no queue takes fails with publishReturned; a routed one succeeds")
        func unroutableMandatory() async throws {
            let connection = try await TestBroker.connect()
            let channel = try await connection.openChannel()
            let queue = try await channel.queueDeclare("", durable: false, exclusive: true).name
            try await channel.confirmSelect()
            async let routed: Void = channel.publish(ByteBuffer(string: "routed"), exchange: "", routingKey: queue, mandatory: true)
            let error = await #expect(throws: AMQPError.self) {
                try await channel.publish(ByteBuffer(string: "lost"), exchange: "amq.direct", routingKey: TestBroker.uniqueName("nowhere"), mandatory: true)
            }
            #expect(error?.kind == .publishReturned)
            #expect(error?.replyCode == 312)
            try await routed
            try await channel.publish(ByteBuffer(string: "not mandatory"), exchange: "amq.direct", routingKey: TestBroker.uniqueName("nowhere"))
            try await connection.close()
        }

        @Test("reject without requeue dead-letters a quorum queue's message")
        func deadLetter() async throws {
            let connection = try await TestBroker.connect()
            let channel = try await connection.openChannel()
            let deadLetters = TestBroker.uniqueName("dlx")
            let deadLetterQueue = TestBroker.uniqueName("dlq")
            let queue = TestBroker.uniqueName("work")
            try await channel.exchangeDeclare(deadLetters, type: "fanout", durable: true)
            _ = try await channel.queueDeclare(deadLetterQueue, durable: true, arguments: ["x-queue-type": "quorum"])
            try await channel.queueBind(deadLetterQueue, exchange: deadLetters, routingKey: "")
            _ = try await channel.queueDeclare(
                queue,
                durable: true,
                arguments: ["x-queue-type": "quorum", "x-dead-letter-exchange": .longString(deadLetters), "x-delivery-limit": .int64(3)]
            )
            try await channel.confirmSelect()
            try await channel.publish(ByteBuffer(string: "poison"), exchange: "", routingKey: queue, properties: AMQPProperties(deliveryMode: 2))

            var work = try await channel.consume(queue: queue).makeAsyncIterator()
            let delivery = try #require(try await work.next())
            try delivery.reject(requeue: false)

            var dead = try await channel.consume(queue: deadLetterQueue).makeAsyncIterator()
            let deadLetter = try #require(try await dead.next())
            #expect(String(buffer: deadLetter.body) == "poison")
            #expect(deadLetter.properties.headers?["x-death"] != nil)
            try deadLetter.ack()
            try await connection.close()
        }

        @Test("a passive declare of a missing queue closes the channel with 404 and fails what was pending on it")
        func passiveDeclareMissing() async throws {
            let connection = try await TestBroker.connect()
            let channel = try await connection.openChannel()
            let quorum = TestBroker.uniqueName("slow-confirms")
            _ = try await channel.queueDeclare(quorum, durable: true, arguments: ["x-queue-type": "quorum"])
            try await channel.confirmSelect()
            // Persistent messages to a quorum queue are confirmed only after a Raft commit, so some are usually still
            // unconfirmed when the failing declare closes the channel; which ones is up to timing.
            let followers = (0..<50).map { number in
                Task {
                    try await channel.publish(ByteBuffer(string: "\(number)"), exchange: "", routingKey: quorum, properties: AMQPProperties(deliveryMode: 2))
                }
            }
            try await Task.sleep(for: .milliseconds(2))
            let declare = Task { try await channel.queueDeclare(TestBroker.uniqueName("missing"), durable: true, passive: true) }
            let pendingDeclare = Task { try await channel.queueDeclare("", durable: false, exclusive: true) }

            let error = await #expect(throws: AMQPError.self) { _ = try await declare.value }
            #expect(error?.kind == .channelClosed)
            #expect(error?.replyCode == 404)
            var failed = 0
            for follower in followers {
                do {
                    try await follower.value
                } catch let error as AMQPError {
                    #expect(error.kind == .channelClosed && error.replyCode == 404)
                    failed += 1
                }
            }
            do {
                _ = try await pendingDeclare.value
            } catch let error as AMQPError {
                #expect(error.kind == .channelClosed && error.replyCode == 404)
                failed += 1
            }
            print("passive declare of a missing queue: \(failed) of 51 operations around it failed with 404, the rest completed first")
            #expect(await channel.closed()?.replyCode == 404)
            let later = await #expect(throws: AMQPError.self) {
                try await channel.publish(ByteBuffer(), exchange: "", routingKey: "q")
            }
            #expect(later?.replyCode == 404)
            #expect(connection.isOpen)
            let another = try await connection.openChannel()
            _ = try await another.queueDeclare("", durable: false, exclusive: true)
            try await connection.close()
        }
    }
}

/// Deliveries collected by a consuming task.
actor ReceivedDeliveries {
    private var deliveries: [AMQPDelivery] = []

    func append(_ delivery: AMQPDelivery) {
        self.deliveries.append(delivery)
    }

    var count: Int { self.deliveries.count }
    var first: AMQPDelivery? { self.deliveries.first }
    var last: AMQPDelivery? { self.deliveries.last }
}
