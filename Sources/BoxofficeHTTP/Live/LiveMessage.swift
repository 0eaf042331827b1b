import BoxofficeDomain
import Foundation
import NIOCore

/// The JSON messages the server sends on `/api/ws`; each names its kind in `type`.
enum LiveMessage {
    /// `inventory`: what changed in an event from `from_version` to `version`, each seat and pool at its state at
    /// `version`; the seats in ``SeatChanges``' compact form.
    struct Inventory: Encodable {
        struct Pool: Encodable {
            let id: Int64
            let capacity: Int
            let held: Int
            let sold: Int
            let available: Int
        }

        let type = "inventory"
        let eventId: Int64
        let epoch: String
        let fromVersion: UInt64
        let version: UInt64
        let seatsAvailable: Int
        let seats: String
        let pools: [Pool]
    }

    /// `booking`: a customer's booking reached a new status.
    struct BookingStatus: Encodable {
        let type = "booking"
        let customer: String
        let bookingId: String
        let eventId: Int64
        let status: String
    }

    /// `wallet`: a customer's balance changed.
    struct Wallet: Encodable {
        let type = "wallet"
        let customer: String
        let accountId: String
        let balanceMinor: Int64
        let currency: String
    }

    /// `queue`: where an event's waiting room stands; a visitor at `position` has `position - cursor - 1` ahead of it
    /// and is in once `cursor >= position`.
    struct Queue: Encodable {
        let type = "queue"
        let eventId: Int64
        let enabled: Bool
        let cursor: Int
        let joined: Int
        let ordered: Bool
        let admitPerMinute: Int
        let at: Date
        /// `at` in milliseconds since 1970, for a client that times the frame.
        let atMs: Int64
    }

    /// `checkins`: how an event's doors stand, in all and per gate.
    struct Checkins: Encodable {
        struct Gate: Encodable {
            let gate: String
            let checkedIn: Int
        }

        let type = "checkins"
        let eventId: Int64
        let expected: Int
        let checkedIn: Int
        let gates: [Gate]
        let at: Date
    }

    /// `subscribed` / `unsubscribed`: a command took effect; for an event, `version` is the version at that
    /// moment, so a client holding an older seat map knows to read it again.
    struct Subscription: Encodable {
        let type: String
        let eventId: Int64?
        let customer: String?
        let queue: Int64?
        let checkins: Int64?
        let epoch: String?
        let version: UInt64?
    }

    /// `error`: a command was refused; the connection stays open.
    struct Refusal: Encodable {
        let type = "error"
        let detail: String
    }

    /// `pong`: the answer to `ping`.
    struct Pong: Encodable {
        let type = "pong"
    }

    /// `authenticated`: the socket now acts for this identity.
    struct Authenticated: Encodable {
        let type = "authenticated"
        let identity: String
    }

    /// Encodes an event's merged changes; `epoch` names the process whose versions they count.
    static func encode(_ merged: MergedInventory, epoch: String) throws -> ByteBuffer {
        try encode(Inventory(
            eventId: merged.eventID.rawValue, epoch: SeatMapEpoch.of(epoch, layoutVersion: merged.layoutVersion), fromVersion: merged.fromVersion,
            version: merged.version,
            seatsAvailable: merged.availableSeats,
            seats: SeatChanges.encode(merged.seats.sorted { $0.key < $1.key }.map { ($0.key, $0.value) }),
            pools: merged.pools.sorted { $0.key < $1.key }.map {
                Inventory.Pool(id: $0.key.rawValue, capacity: $0.value.capacity, held: $0.value.held, sold: $0.value.sold, available: $0.value.available)
            }
        ))
    }

    /// Encodes where a waiting room stands.
    static func encode(_ progress: QueueProgress) throws -> ByteBuffer {
        try encode(Queue(
            eventId: progress.eventID.rawValue, enabled: progress.enabled, cursor: progress.cursor, joined: progress.joined, ordered: progress.ordered,
            admitPerMinute: progress.admitPerMinute, at: progress.at, atMs: Int64((progress.at.timeIntervalSince1970 * 1_000).rounded())
        ))
    }

    /// Encodes how an event's doors stand.
    static func encode(_ progress: CheckinProgress) throws -> ByteBuffer {
        try encode(Checkins(
            eventId: progress.eventID.rawValue, expected: progress.expected, checkedIn: progress.checkedIn,
            gates: progress.gates.sorted { $0.key < $1.key }.map { Checkins.Gate(gate: $0.key, checkedIn: $0.value) }, at: progress.at
        ))
    }

    /// Encodes a booking's new status.
    static func encode(_ change: BookingStatusChange) throws -> ByteBuffer {
        try encode(BookingStatus(
            customer: change.customer, bookingId: change.bookingID.rawValue.uuidString.lowercased(),
            eventId: change.eventID.rawValue, status: change.status.rawValue
        ))
    }

    /// Encodes a wallet's new balance.
    static func encode(_ change: WalletChange) throws -> ByteBuffer {
        try encode(Wallet(
            customer: change.customer, accountId: change.accountID.uuidString.lowercased(),
            balanceMinor: change.balanceMinor, currency: change.currency.description
        ))
    }

    /// Encodes any message.
    static func encode(_ message: some Encodable) throws -> ByteBuffer {
        ByteBuffer(bytes: try APICoding.makeEncoder().encode(message))
    }
}
