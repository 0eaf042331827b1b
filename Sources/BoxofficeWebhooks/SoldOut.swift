import BoxofficeDomain
import Crypto
import Foundation

/// When an event is sold out, and its notice: the same id on every instance that sees it, so it is told once.
public enum SoldOut {
    /// Whether nothing of an event is left to sell: every seat paid for and every pool full of tickets paid for (a held
    /// seat may still come back). An event with nothing to sell at all is not sold out.
    public static func isSoldOut(seats: [SeatStatus], pools: [PoolCounts]) -> Bool {
        (!seats.isEmpty || !pools.isEmpty) && seats.allSatisfy { $0 == .sold } && pools.allSatisfy { $0.sold >= $0.capacity }
    }

    /// The notice that `event` sold out, its id derived from the event's.
    public static func notice(of event: EventID, at: Date) -> Notice {
        var bytes = Array(SHA256.hash(data: Data("event.sold_out \(event.rawValue)".utf8)).prefix(16))
        bytes[6] = bytes[6] & 0x0F | 0x50  // a name-based UUID (version 5 layout)
        bytes[8] = bytes[8] & 0x3F | 0x80
        let id = UUID(uuid: (bytes[0], bytes[1], bytes[2], bytes[3], bytes[4], bytes[5], bytes[6], bytes[7], bytes[8], bytes[9], bytes[10], bytes[11], bytes[12], bytes[13], bytes[14], bytes[15]))
        return Notice(id: id, topic: .eventSoldOut, eventID: event, at: at)
    }
}
