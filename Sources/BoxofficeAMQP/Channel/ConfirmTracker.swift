/// Tracks the publishes of a channel in confirm mode, by sequence number, until basic.ack or basic.nack settles them.
///
/// Sequence numbers count from 1 in publish order, so the entries form a contiguous window that starts at the oldest
/// unsettled publish; settled entries in the middle stay as holes until everything before them is settled too.
struct ConfirmTracker<Waiter> {
    private struct Entry {
        var waiter: Waiter
        var returned: AMQPError?
    }

    /// The sequence number the next publish gets.
    private(set) var nextSequenceNumber: UInt64 = 1
    /// The number of publishes not settled yet.
    private(set) var outstanding = 0
    private var firstSequenceNumber: UInt64 = 1
    private var entries: [Entry?] = []
    private var entriesStart = 0

    /// Registers the next publish and returns its sequence number.
    mutating func register(_ waiter: Waiter) -> UInt64 {
        let sequenceNumber = self.nextSequenceNumber
        self.entries.append(Entry(waiter: waiter))
        self.nextSequenceNumber += 1
        self.outstanding += 1
        return sequenceNumber
    }

    /// Marks an unsettled publish as returned, so that the ack that follows fails it with `error`.
    /// - Returns: false when no unsettled publish has that sequence number.
    mutating func markReturned(_ sequenceNumber: UInt64, error: AMQPError) -> Bool {
        guard let index = self.index(of: sequenceNumber), self.entries[index] != nil else {
            return false
        }
        self.entries[index]!.returned = error
        return true
    }

    /// Settles the publish `deliveryTag`, or with `multiple` every publish up to it (all of them when the tag is 0).
    /// - Parameter nack: An error when the broker nacked, nil for an ack.
    /// - Returns: Each settled waiter with nil for success or the error it fails with.
    mutating func settle(deliveryTag: UInt64, multiple: Bool, nack: AMQPError?) -> [(Waiter, AMQPError?)] {
        var settled: [(Waiter, AMQPError?)] = []
        let last = multiple && deliveryTag == 0 ? self.nextSequenceNumber - 1 : deliveryTag
        let first = multiple ? self.firstSequenceNumber : deliveryTag
        guard first <= last else {
            return settled
        }
        for sequenceNumber in first...last {
            guard let index = self.index(of: sequenceNumber), let entry = self.entries[index] else {
                continue
            }
            self.entries[index] = nil
            self.outstanding -= 1
            settled.append((entry.waiter, nack ?? entry.returned))
        }
        self.dropSettledPrefix()
        return settled
    }

    /// Removes every unsettled publish and returns their waiters, oldest first.
    mutating func removeAll() -> [Waiter] {
        let waiters = self.entries[self.entriesStart...].compactMap { $0?.waiter }
        self.firstSequenceNumber = self.nextSequenceNumber
        self.entries.removeAll()
        self.entriesStart = 0
        self.outstanding = 0
        return waiters
    }

    private func index(of sequenceNumber: UInt64) -> Int? {
        guard sequenceNumber >= self.firstSequenceNumber, sequenceNumber < self.nextSequenceNumber else {
            return nil
        }
        return self.entriesStart + Int(sequenceNumber - self.firstSequenceNumber)
    }

    private mutating func dropSettledPrefix() {
        while self.entriesStart < self.entries.count, self.entries[self.entriesStart] == nil {
            self.entriesStart += 1
            self.firstSequenceNumber += 1
        }
        if self.entriesStart == self.entries.count {
            self.entries.removeAll(keepingCapacity: true)
            self.entriesStart = 0
        } else if self.entriesStart >= 1024, self.entriesStart * 2 >= self.entries.count {
            self.entries.removeFirst(self.entriesStart)
            self.entriesStart = 0
        }
    }
}
