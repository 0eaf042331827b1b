import BoxofficeDomain
import Foundation

/// What tickets keep in the booking database: each event's signing key, tickets given new secrets, check-ins, and
/// each event's door staff. SQLite and PostgreSQL implement it alike and pass the same suite.
public protocol TicketStore: Sendable {
    /// The event's private signing key (32 raw bytes): the one stored, or `candidate` stored now if there was none —
    /// atomically, so every process signs with the same key.
    func ticketKey(of event: EventID, candidate: [UInt8], at: Date) async throws -> [UInt8]

    /// The current version of tickets given new secrets, the first check-in of tickets let in, and the tickets refunded,
    /// among `tickets`.
    func ticketStates(_ tickets: [TicketID]) async throws -> (versions: [TicketID: Int], checkins: [TicketID: CheckinRecord], refunded: Set<TicketID>)

    /// Gives a ticket a new secret: its version goes up by one. - Returns: the new version.
    func reissue(_ ticket: TicketID, of event: EventID, at: Date) async throws -> Int

    /// Decides a batch of genuine scans of one event with ``CheckinApplier`` (SQLite: in one write transaction;
    /// PostgreSQL: statement by statement, the one write being a conditional insert): each answered in order.
    func checkIn(_ attempts: [CheckinAttempt], of event: EventID) async throws -> [CheckinOutcome]

    /// Tickets sold for an event and those checked in, per gate.
    func checkinCounts(of event: Event, at: Date) async throws -> CheckinProgress

    /// What a scanner needs to decide offline: bookings refunded, tickets given new secrets, tickets checked in.
    func offlineList(of event: EventID) async throws -> OfflineList

    /// Makes an identity door staff of an event (again, harmlessly).
    func addStaff(_ member: StaffMember, to event: EventID) async throws -> StaffMember
    /// An event's door staff, in the order added.
    func staff(of event: EventID) async throws -> [StaffMember]
    /// Ends an identity's door duty at an event. - Returns: false when it had none.
    func removeStaff(_ identity: String, from event: EventID) async throws -> Bool
    /// Whether an identity is door staff of an event.
    func isStaff(_ identity: String, of event: EventID) async throws -> Bool
}

/// An event's stored signing key does not read back as one: the database was damaged or edited by hand. Tickets of
/// the event can neither be signed nor checked until it is repaired; signing with another key would split the event's
/// tickets between keys.
public struct TicketKeyDamaged: Error, CustomStringConvertible {
    /// The event.
    public let event: EventID

    /// Names the damage.
    public init(event: EventID) {
        self.event = event
    }

    public var description: String { "the stored ticket key of event \(event) is not a 32-byte Ed25519 key" }
}

/// The steps of a check-in batch, in each backend's SQL; ``CheckinApplier`` runs them. Each read sees at least what was
/// committed before it began.
public protocol CheckinTransaction {
    /// The statuses of bookings (those that exist), the current versions of tickets given new secrets, and the tickets
    /// refunded, in one go.
    func states(of bookings: [BookingID], tickets: [TicketID]) async throws -> TicketStates
    /// Records check-ins, each only if its ticket has none (a conditional insert): the first wins, across processes. A
    /// backend whose batch is not one transaction (PostgreSQL) also records none for a ticket refunded, or of a booking no
    /// longer confirmed, since the states were read.
    /// Attempts come sorted by ticket, so two writers never wait on each other in opposite orders. With each check-in
    /// recorded, its notice (`notices[i]` is `attempts[i]`'s) is recorded too, atomically.
    /// - Returns: the tickets whose check-in this call recorded.
    func insertCheckins(_ attempts: [CheckinAttempt], of event: EventID, notices: [Notice]) async throws -> Set<TicketID>
    /// The first check-ins of tickets.
    func checkins(_ tickets: [TicketID]) async throws -> [TicketID: CheckinRecord]
}

/// What a check-in batch reads before it decides.
public struct TicketStates: Sendable {
    /// The statuses of the bookings that exist.
    public var statuses: [BookingID: BookingStatus]
    /// The current versions of tickets given new secrets.
    public var versions: [TicketID: Int]
    /// The tickets refunded (of a booking still confirmed for its other tickets, or refunded whole).
    public var refunded: Set<TicketID>

    /// Creates the states.
    public init(statuses: [BookingID: BookingStatus] = [:], versions: [TicketID: Int] = [:], refunded: Set<TicketID> = []) {
        self.statuses = statuses
        self.versions = versions
        self.refunded = refunded
    }
}

/// One of an event's door staff.
public struct StaffMember: Hashable, Sendable {
    /// The identity (its owner name).
    public var identity: String
    /// The email it signs in with.
    public var email: String
    /// When it was added.
    public var addedAt: Date

    /// Creates a member.
    public init(identity: String, email: String, addedAt: Date) {
        self.identity = identity
        self.email = email
        self.addedAt = addedAt
    }
}

/// What a scanner keeps to decide offline.
public struct OfflineList: Sendable, Equatable {
    /// Bookings of the event that no longer admit (refunded).
    public var revokedBookings: [BookingID]
    /// Tickets refunded one by one, of bookings whose other tickets still admit.
    public var refundedTickets: [TicketID]
    /// Tickets given new secrets, with their current version.
    public var reissued: [TicketID: Int]
    /// Tickets already let in.
    public var checkedIn: [TicketID]

    /// Creates a list.
    public init(revokedBookings: [BookingID], refundedTickets: [TicketID] = [], reissued: [TicketID: Int], checkedIn: [TicketID]) {
        self.revokedBookings = revokedBookings
        self.refundedTickets = refundedTickets
        self.reissued = reissued
        self.checkedIn = checkedIn
    }
}
