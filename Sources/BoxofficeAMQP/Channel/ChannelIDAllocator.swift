/// Hands out channel ids from 1 to the negotiated channel_max, always the lowest free one, so ids are reused after close.
struct ChannelIDAllocator {
    private var used: Set<UInt16> = []
    private var maximum: UInt16

    /// - Parameter channelMax: The negotiated channel_max; 0 means no limit (65535).
    init(channelMax: UInt16) {
        self.maximum = channelMax == 0 ? UInt16.max : channelMax
    }

    /// Takes the lowest free id, or returns nil when all are in use.
    mutating func allocate() -> UInt16? {
        guard self.used.count < Int(self.maximum) else {
            return nil
        }
        var id: UInt16 = 1
        while self.used.contains(id) {
            id += 1
        }
        self.used.insert(id)
        return id
    }

    /// Frees an id for reuse.
    mutating func release(_ id: UInt16) {
        self.used.remove(id)
    }
}
