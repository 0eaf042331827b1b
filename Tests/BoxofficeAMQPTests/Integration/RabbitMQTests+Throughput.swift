@testable import BoxofficeAMQP
import Foundation
import NIOCore
import Testing

extension RabbitMQTests {
    @Suite("Throughput")
    struct Throughput {
        @Test("20,000 confirmed publishes, then consumed with acks (rates printed, not asserted)")
        func confirmedPublishAndConsume() async throws {
            let total = 20_000
            let publishers = 200
            let connection = try await TestBroker.connect("throughput")
            let channel = try await connection.openChannel()
            let queue = try await channel.queueDeclare("", durable: false, exclusive: true).name
            try await channel.confirmSelect(maxUnconfirmed: 2048)
            let body = ByteBuffer(repeating: 0x61, count: 256)

            let publishStart = ContinuousClock.now
            try await withThrowingTaskGroup(of: Void.self) { group in
                for publisher in 0..<publishers {
                    group.addTask {
                        for _ in stride(from: publisher, to: total, by: publishers) {
                            try await channel.publish(body, exchange: "", routingKey: queue)
                        }
                    }
                }
                try await group.waitForAll()
            }
            let publishSeconds = Self.seconds(ContinuousClock.now - publishStart)

            let consumerChannel = try await connection.openChannel()
            try await consumerChannel.basicQos(prefetchCount: 1000)
            let consumeStart = ContinuousClock.now
            let consumer = try await consumerChannel.consume(queue: queue)
            var received = 0
            for try await delivery in consumer {
                received += 1
                if received % 100 == 0 || received == total {
                    try consumerChannel.ack(delivery.deliveryTag, multiple: true)
                }
                if received == total { break }
            }
            let consumeSeconds = Self.seconds(ContinuousClock.now - consumeStart)
            #expect(received == total)
            print("throughput: published \(total) confirmed messages of 256 bytes in \(Self.format(publishSeconds)) s = \(Int(Double(total) / publishSeconds)) msg/s")
            print("throughput: consumed \(total) messages with manual acks in \(Self.format(consumeSeconds)) s = \(Int(Double(total) / consumeSeconds)) msg/s")
            try await connection.close()
        }

        private static func seconds(_ duration: Duration) -> Double {
            Double(duration.components.seconds) + Double(duration.components.attoseconds) / 1e18
        }

        private static func format(_ seconds: Double) -> String {
            String(format: "%.2f", seconds)
        }
    }
}

