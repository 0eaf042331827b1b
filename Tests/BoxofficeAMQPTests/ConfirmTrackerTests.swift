@testable import BoxofficeAMQP
import Testing

@Suite("Confirm tracking")
struct ConfirmTrackerTests {
    private let nacked = AMQPError(.publishNacked, replyText: "nack")
    private let returned = AMQPError(.publishReturned, replyCode: 312, replyText: "NO_ROUTE")

    @Test("sequence numbers count from 1")
    func sequenceNumbers() {
        var tracker = ConfirmTracker<String>()
        #expect(tracker.register("a") == 1)
        #expect(tracker.register("b") == 2)
        #expect(tracker.outstanding == 2)
    }

    @Test("an ack with multiple settles every publish up to its tag")
    func multiple() {
        var tracker = ConfirmTracker<Int>()
        for number in 1...5 { _ = tracker.register(number) }
        let settled = tracker.settle(deliveryTag: 3, multiple: true, nack: nil)
        #expect(settled.map(\.0) == [1, 2, 3])
        #expect(settled.allSatisfy { $0.1 == nil })
        #expect(tracker.outstanding == 2)
        #expect(tracker.settle(deliveryTag: 3, multiple: true, nack: nil).isEmpty)
    }

    @Test("single acks out of order leave holes that close later")
    func outOfOrder() {
        var tracker = ConfirmTracker<Int>()
        for number in 1...4 { _ = tracker.register(number) }
        #expect(tracker.settle(deliveryTag: 3, multiple: false, nack: nil).map(\.0) == [3])
        #expect(tracker.settle(deliveryTag: 1, multiple: false, nack: nil).map(\.0) == [1])
        #expect(tracker.settle(deliveryTag: 4, multiple: true, nack: nil).map(\.0) == [2, 4])
        #expect(tracker.outstanding == 0)
    }

    @Test("multiple with tag 0 settles everything")
    func multipleZero() {
        var tracker = ConfirmTracker<Int>()
        for number in 1...3 { _ = tracker.register(number) }
        #expect(tracker.settle(deliveryTag: 0, multiple: true, nack: nil).map(\.0) == [1, 2, 3])
    }

    @Test("a nack fails every publish it covers")
    func nack() {
        var tracker = ConfirmTracker<Int>()
        for number in 1...3 { _ = tracker.register(number) }
        let settled = tracker.settle(deliveryTag: 2, multiple: true, nack: self.nacked)
        #expect(settled.map(\.0) == [1, 2])
        #expect(settled.allSatisfy { $0.1?.kind == .publishNacked })
    }

    @Test("a returned publish fails when its ack arrives; the others succeed")
    func returnedThenAcked() {
        var tracker = ConfirmTracker<Int>()
        for number in 1...3 { _ = tracker.register(number) }
        let known = tracker.markReturned(2, error: self.returned)
        let unknown = tracker.markReturned(9, error: self.returned)
        #expect(known)
        #expect(!unknown)
        let settled = tracker.settle(deliveryTag: 3, multiple: true, nack: nil)
        #expect(settled.map(\.0) == [1, 2, 3])
        #expect(settled.map { $0.1?.kind } == [nil, .publishReturned, nil])
    }

    @Test("removeAll hands back every unsettled publish, oldest first")
    func removeAll() {
        var tracker = ConfirmTracker<Int>()
        for number in 1...4 { _ = tracker.register(number) }
        _ = tracker.settle(deliveryTag: 2, multiple: false, nack: nil)
        #expect(tracker.removeAll() == [1, 3, 4])
        #expect(tracker.outstanding == 0)
        #expect(tracker.register(5) == 5)
    }

    @Test("a long run keeps the window compact")
    func longRun() {
        var tracker = ConfirmTracker<UInt64>()
        for round in 0..<100 {
            for number in 0..<100 { _ = tracker.register(UInt64(round * 100 + number)) }
            #expect(tracker.settle(deliveryTag: UInt64(round * 100 + 100), multiple: true, nack: nil).count == 100)
        }
        #expect(tracker.outstanding == 0)
        #expect(tracker.nextSequenceNumber == 10_001)
    }
}
