import BoxofficeDomain
import Foundation

/// The compact form of a delta's seats (`"seats"` of an `inventory` message): a flash sale changes thousands of
/// seats a second, and every subscriber reads all of them, so each costs about three bytes instead of thirty.
///
/// The seats, in ascending id order, each as one unsigned LEB128 varint of `(id − previous id − 1) << 2 | status`,
/// where the first seat's previous id is 0 and status is 0 available, 1 held, 2 sold; the bytes in standard base64.
public enum SeatChanges {
    /// Encodes seat changes sorted by ascending seat id; a seat id not above the previous one is left out.
    public static func encode(_ seats: [(id: SeatID, status: SeatStatus)]) -> String {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(seats.count * 2)
        var previous: Int64 = 0
        for seat in seats where seat.id.rawValue > previous {
            var value = UInt64(seat.id.rawValue - previous - 1) << 2 | UInt64(seat.status.rawValue)
            previous = seat.id.rawValue
            while value >= 0x80 {
                bytes.append(UInt8(value & 0x7F) | 0x80)
                value >>= 7
            }
            bytes.append(UInt8(value))
        }
        return Data(bytes).base64EncodedString()
    }

    /// Decodes what ``encode(_:)`` wrote; nil for text that is not such an encoding.
    static func decode(_ text: String) -> [(id: SeatID, status: SeatStatus)]? {
        guard let data = Data(base64Encoded: text) else { return nil }
        var seats: [(id: SeatID, status: SeatStatus)] = []
        var previous: Int64 = 0
        var value: UInt64 = 0
        var shift: UInt64 = 0
        for byte in data {
            guard shift < 63 else { return nil }
            value |= UInt64(byte & 0x7F) << shift
            shift += 7
            guard byte & 0x80 == 0 else { continue }
            guard let status = SeatStatus(rawValue: UInt8(value & 0x3)) else { return nil }
            previous += Int64(value >> 2) + 1
            seats.append((SeatID(rawValue: previous), status))
            value = 0
            shift = 0
        }
        return shift == 0 ? seats : nil
    }
}
