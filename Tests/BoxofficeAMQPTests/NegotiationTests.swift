@testable import BoxofficeAMQP
import Testing

@Suite("Negotiation and channel ids")
struct NegotiationTests {
    @Test("the smaller non-zero value wins; zero means no limit", arguments: [
        (ConnectionTune(channelMax: 2047, frameMax: 131_072, heartbeat: 10), ConnectionTune(channelMax: 100, frameMax: 4096, heartbeat: 60), ConnectionTune(channelMax: 100, frameMax: 4096, heartbeat: 10)),
        (ConnectionTune(channelMax: 0, frameMax: 0, heartbeat: 10), ConnectionTune(channelMax: 2047, frameMax: 131_072, heartbeat: 0), ConnectionTune(channelMax: 2047, frameMax: 131_072, heartbeat: 10)),
        (ConnectionTune(channelMax: 0, frameMax: 0, heartbeat: 5), ConnectionTune(channelMax: 0, frameMax: 0, heartbeat: 60), ConnectionTune(channelMax: 0, frameMax: 0, heartbeat: 5)),
        (ConnectionTune(channelMax: 10, frameMax: 8192, heartbeat: 0), ConnectionTune(channelMax: 2047, frameMax: 131_072, heartbeat: 60), ConnectionTune(channelMax: 10, frameMax: 8192, heartbeat: 0)),
    ])
    func tune(client: ConnectionTune, server: ConnectionTune, expected: ConnectionTune) {
        #expect(ConnectionTune.negotiate(client: client, server: server) == expected)
    }

    @Test("channel ids go up to channel_max and are reused after release")
    func channelIDs() {
        var allocator = ChannelIDAllocator(channelMax: 3)
        #expect(allocator.allocate() == 1)
        #expect(allocator.allocate() == 2)
        #expect(allocator.allocate() == 3)
        #expect(allocator.allocate() == nil)
        allocator.release(2)
        #expect(allocator.allocate() == 2)
        allocator.release(1)
        allocator.release(3)
        #expect(allocator.allocate() == 1)
    }

    @Test("channel_max 0 allows every id up to 65535")
    func unlimitedChannels() {
        var allocator = ChannelIDAllocator(channelMax: 0)
        for expected in 1...300 {
            #expect(allocator.allocate() == UInt16(expected))
        }
    }
}
