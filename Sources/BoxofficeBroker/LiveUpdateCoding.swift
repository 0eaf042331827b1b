import BoxofficeDomain
import Foundation
import NIOCore

/// The compact binary form in which booking and wallet updates cross the broker between instances (every booking
/// status change of a flash sale crosses, and every instance reads them all).
///
/// A message is a sequence of updates, each one tag byte then its fields, big-endian:
/// - `1` booking: customer (u16 length + UTF-8), booking id (16 bytes), event id (i64), status (u8 length + UTF-8);
/// - `2` wallet: customer (u16 length + UTF-8), account id (16 bytes), balance in minor units (i64), currency (3 bytes).
enum LiveUpdateCoding {
    private static let booking: UInt8 = 1
    private static let wallet: UInt8 = 2

    /// Encodes the booking and wallet updates of a batch; seat map deltas, queue progress and doors' counts never cross the broker
    /// (every instance reads its own).
    static func encode(_ updates: [LiveUpdate]) -> ByteBuffer {
        var buffer = ByteBuffer()
        buffer.reserveCapacity(updates.count * 64)
        for update in updates {
            switch update {
            case .inventory, .queue, .checkins:
                continue
            case .booking(let change):
                buffer.writeInteger(booking)
                write(change.customer, into: &buffer)
                write(change.bookingID.rawValue, into: &buffer)
                buffer.writeInteger(change.eventID.rawValue)
                let status = Array(change.status.rawValue.utf8)
                buffer.writeInteger(UInt8(status.count))
                buffer.writeBytes(status)
            case .wallet(let change):
                buffer.writeInteger(wallet)
                write(change.customer, into: &buffer)
                write(change.accountID, into: &buffer)
                buffer.writeInteger(change.balanceMinor)
                buffer.writeBytes(Array(change.currency.code.utf8.prefix(3)))
            }
        }
        return buffer
    }

    /// Decodes a message.
    /// - Throws: ``UnreadableLiveUpdate`` when the bytes are not such a message.
    static func decode(_ message: ByteBuffer) throws -> [LiveUpdate] {
        var buffer = message
        var updates: [LiveUpdate] = []
        while let tag = buffer.readInteger(as: UInt8.self) {
            guard let customer = readString(&buffer), let id = readUUID(&buffer) else { throw UnreadableLiveUpdate() }
            switch tag {
            case booking:
                guard let event = buffer.readInteger(as: Int64.self), let length = buffer.readInteger(as: UInt8.self),
                      let text = buffer.readString(length: Int(length)), let status = BookingStatus(rawValue: text) else { throw UnreadableLiveUpdate() }
                updates.append(.booking(BookingStatusChange(bookingID: BookingID(rawValue: id), eventID: EventID(rawValue: event), customer: customer, status: status)))
            case wallet:
                guard let balance = buffer.readInteger(as: Int64.self), let code = buffer.readString(length: 3), let currency = Currency(code) else {
                    throw UnreadableLiveUpdate()
                }
                updates.append(.wallet(WalletChange(accountID: id, customer: customer, balanceMinor: balance, currency: currency)))
            default:
                throw UnreadableLiveUpdate()
            }
        }
        return updates
    }

    private static func write(_ text: String, into buffer: inout ByteBuffer) {
        let bytes = Array(text.utf8.prefix(Int(UInt16.max)))
        buffer.writeInteger(UInt16(bytes.count))
        buffer.writeBytes(bytes)
    }

    private static func write(_ id: UUID, into buffer: inout ByteBuffer) {
        withUnsafeBytes(of: id.uuid) { buffer.writeBytes($0) }
    }

    private static func readString(_ buffer: inout ByteBuffer) -> String? {
        guard let length = buffer.readInteger(as: UInt16.self) else { return nil }
        return buffer.readString(length: Int(length))
    }

    private static func readUUID(_ buffer: inout ByteBuffer) -> UUID? {
        guard let bytes = buffer.readBytes(length: 16) else { return nil }
        return UUID(uuid: (bytes[0], bytes[1], bytes[2], bytes[3], bytes[4], bytes[5], bytes[6], bytes[7],
                           bytes[8], bytes[9], bytes[10], bytes[11], bytes[12], bytes[13], bytes[14], bytes[15]))
    }
}

/// A live-update message from the broker that is not in ``LiveUpdateCoding``'s form.
struct UnreadableLiveUpdate: Error {}
