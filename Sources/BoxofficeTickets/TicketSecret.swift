import BoxofficeDomain
import Crypto
import Foundation

/// What a ticket's secret says: which ticket of which event, for which seat or pool, in which of its versions (a ticket
/// given a new secret gets the next version, and the old secret no longer admits).
public struct TicketClaim: Hashable, Sendable {
    /// The event.
    public var eventID: EventID
    /// The ticket.
    public var ticket: TicketID
    /// Its seat or pool.
    public var place: TicketPlace
    /// The secret's version, from 1.
    public var version: Int

    /// Creates a claim.
    public init(eventID: EventID, ticket: TicketID, place: TicketPlace, version: Int) {
        self.eventID = eventID
        self.ticket = ticket
        self.place = place
        self.version = version
    }
}

/// The text in a ticket's QR code: a compact claim signed with the event's Ed25519 key, so a scanner checks it with the
/// event's public key alone, offline; nothing is looked up to know a ticket is genuine.
///
/// base64url of: the format (1 byte, ``format``), the event id, the booking's 16 bytes, the ticket's ordinal, the place
/// (0 and a seat id, or 1 and a pool id) and the version, numbers as unsigned LEB128; then the 64-byte signature of
/// those bytes. About 120 characters: a version 7 QR code at level M.
public enum TicketSecret {
    /// The format this build writes and reads.
    public static let format: UInt8 = 1
    /// The longest secret read (a few more bytes than any valid one).
    public static let maxLength = 200

    /// Why a secret does not admit before anything is looked up.
    public enum Flaw: Error, Equatable, Sendable {
        /// Not a ticket secret at all.
        case malformed
        /// A ticket secret of a format this build does not read (an old one).
        case unknownFormat(UInt8)
        /// A ticket of another event.
        case otherEvent(EventID)
        /// The signature is not the event's.
        case forged
    }

    /// A ticket's secret: its claim signed with its event's key.
    public static func sign(_ claim: TicketClaim, with key: Curve25519.Signing.PrivateKey) throws -> String {
        let payload = payload(of: claim)
        let signature = try key.signature(for: payload)
        return Base64URL.encode(payload + Array(signature))
    }

    /// The claim of a secret presented at an event's door, if the secret is of this event and signed with its key.
    /// - Parameter signer: the event's private key, when the caller has it (the server): Ed25519 signatures are
    ///   deterministic (RFC 8032), so signing the claim again and comparing costs a third of verifying. A signature that
    ///   differs is verified the usual way all the same (a signer that randomizes, as some platforms' do, stays valid).
    public static func verify(
        _ secret: String, event: EventID, key: Curve25519.Signing.PublicKey, signer: Curve25519.Signing.PrivateKey? = nil
    ) throws(Flaw) -> TicketClaim {
        guard secret.utf8.count <= maxLength, let bytes = Base64URL.decode(secret), bytes.count > 64 else { throw .malformed }
        let payload = Array(bytes[..<(bytes.count - 64)])
        let claim = try read(payload)
        guard claim.eventID == event else { throw .otherEvent(claim.eventID) }
        let signature = bytes[(bytes.count - 64)...]
        if let signer, let ours = try? signer.signature(for: payload), equalInConstantTime(ours, signature) { return claim }
        guard key.isValidSignature(signature, for: payload) else { throw .forged }
        return claim
    }

    /// Whether two byte strings are equal, in a time that depends on their length only.
    private static func equalInConstantTime(_ lhs: some DataProtocol, _ rhs: some DataProtocol) -> Bool {
        guard lhs.count == rhs.count else { return false }
        var difference: UInt8 = 0
        for (left, right) in zip(lhs, rhs) { difference |= left ^ right }
        return difference == 0
    }

    /// The signed bytes of a claim.
    static func payload(of claim: TicketClaim) -> [UInt8] {
        var bytes: [UInt8] = [format]
        bytes.reserveCapacity(40)
        append(UInt64(claim.eventID.rawValue), to: &bytes)
        withUnsafeBytes(of: claim.ticket.booking.rawValue.uuid) { bytes.append(contentsOf: $0) }
        append(UInt64(claim.ticket.ordinal), to: &bytes)
        switch claim.place {
        case .seat(let seat):
            bytes.append(0)
            append(UInt64(seat.rawValue), to: &bytes)
        case .pool(let pool):
            bytes.append(1)
            append(UInt64(pool.rawValue), to: &bytes)
        }
        append(UInt64(claim.version), to: &bytes)
        return bytes
    }

    /// The claim in signed bytes.
    static func read(_ bytes: [UInt8]) throws(Flaw) -> TicketClaim {
        var reader = Reader(bytes: bytes)
        let version = try reader.byte()
        guard version == format else { throw .unknownFormat(version) }
        let event = try reader.number()
        var uuid = [UInt8]()
        for _ in 0 ..< 16 { uuid.append(try reader.byte()) }
        let ordinal = try reader.number()
        let kind = try reader.byte()
        let placeID = try reader.number()
        let ticketVersion = try reader.number()
        guard reader.atEnd, event <= UInt64(Int64.max), placeID <= UInt64(Int64.max), (1 ... UInt64(TicketID.maxOrdinal)).contains(ordinal),
            (1 ... UInt64(Int32.max)).contains(ticketVersion), kind <= 1
        else { throw .malformed }
        let booking = BookingID(rawValue: UUID(uuid: (
            uuid[0], uuid[1], uuid[2], uuid[3], uuid[4], uuid[5], uuid[6], uuid[7],
            uuid[8], uuid[9], uuid[10], uuid[11], uuid[12], uuid[13], uuid[14], uuid[15]
        )))
        let place: TicketPlace = kind == 0 ? .seat(SeatID(rawValue: Int64(placeID))) : .pool(PoolID(rawValue: Int64(placeID)))
        return TicketClaim(
            eventID: EventID(rawValue: Int64(event)), ticket: TicketID(booking: booking, ordinal: Int(ordinal)), place: place, version: Int(ticketVersion)
        )
    }

    private static func append(_ value: UInt64, to bytes: inout [UInt8]) {
        var value = value
        while value >= 0x80 {
            bytes.append(UInt8(value & 0x7F) | 0x80)
            value >>= 7
        }
        bytes.append(UInt8(value))
    }

    private struct Reader {
        let bytes: [UInt8]
        var offset = 0

        var atEnd: Bool { offset == bytes.count }

        mutating func byte() throws(Flaw) -> UInt8 {
            guard offset < bytes.count else { throw .malformed }
            defer { offset += 1 }
            return bytes[offset]
        }

        /// An unsigned LEB128 number of at most 9 bytes, in its shortest spelling.
        mutating func number() throws(Flaw) -> UInt64 {
            var value: UInt64 = 0
            for shift in stride(from: 0, to: 63, by: 7) {
                let next = try byte()
                value |= UInt64(next & 0x7F) << UInt64(shift)
                if next & 0x80 == 0 {
                    guard next != 0 || shift == 0 else { throw .malformed }
                    return value
                }
            }
            throw .malformed
        }
    }
}
