import BoxofficeDomain
import Foundation

/// A scan presented at an event's door.
public struct CheckinRequest: Sendable {
    /// The text of the ticket's QR code.
    public var secret: String
    /// Names this scan: an upload retried with the same nonce counts once and gets the same answer.
    public var nonce: String
    /// The gate it was scanned at.
    public var gate: String
    /// When the scanner read it (an offline scanner uploads later); nil for now.
    public var scannedAt: Date?

    /// Creates a request.
    public init(secret: String, nonce: String, gate: String, scannedAt: Date?) {
        self.secret = secret
        self.nonce = nonce
        self.gate = gate
        self.scannedAt = scannedAt
    }
}

/// What the door says about a scan.
public enum CheckinResult: String, Sendable, CaseIterable {
    /// Let in: the ticket's first check-in (or this same scan's, retried).
    case admitted
    /// The ticket was let in before.
    case alreadyCheckedIn = "already_checked_in"
    /// Genuine, but no longer valid: its booking was refunded or cancelled, or it was given a new secret.
    case revoked
    /// Not a ticket of this event: unreadable, of another event, or forged.
    case invalid
}

/// A ticket's first check-in, as stored.
public struct CheckinRecord: Hashable, Sendable {
    /// The gate that let it in.
    public var gate: String
    /// The scan's nonce.
    public var nonce: String
    /// When it was scanned.
    public var scannedAt: Date
    /// When the instance that decided it took the scan (its clock).
    public var checkedInAt: Date

    /// Creates a record.
    public init(gate: String, nonce: String, scannedAt: Date, checkedInAt: Date) {
        self.gate = gate
        self.nonce = nonce
        self.scannedAt = scannedAt
        self.checkedInAt = checkedInAt
    }
}

/// A genuine ticket's scan, to be decided against the database.
public struct CheckinAttempt: Sendable {
    /// The verified claim.
    public var claim: TicketClaim
    /// The check-in it would record.
    public var record: CheckinRecord

    /// Creates an attempt.
    public init(claim: TicketClaim, record: CheckinRecord) {
        self.claim = claim
        self.record = record
    }
}

/// What the database decided about an attempt.
public enum CheckinOutcome: Hashable, Sendable {
    /// This attempt's check-in is the ticket's first.
    case admitted(CheckinRecord)
    /// Another scan let the ticket in first.
    case alreadyCheckedIn(CheckinRecord)
    /// The ticket no longer admits.
    case revoked(RevocationReason)
    /// No such booking: a key's secret for a booking never written.
    case unknown
}

/// Why a genuine ticket no longer admits.
public enum RevocationReason: Hashable, Sendable {
    /// Its booking is no longer confirmed (refunded, cancelled).
    case booking(BookingStatus)
    /// It was given a new secret; this one is an older version.
    case reissued(current: Int)
    /// It was refunded on its own; the booking's other tickets still admit.
    case refunded
}

/// The door's answer to a scan.
public struct CheckinAnswer: Sendable {
    /// The verdict.
    public var result: CheckinResult
    /// A sentence for the scanner's screen.
    public var reason: String
    /// The ticket, when the secret was genuine.
    public var claim: TicketClaim?
    /// The ticket's first check-in, when it was let in (now or before).
    public var checkin: CheckinRecord?

    /// Creates an answer.
    public init(result: CheckinResult, reason: String, claim: TicketClaim?, checkin: CheckinRecord?) {
        self.result = result
        self.reason = reason
        self.claim = claim
        self.checkin = checkin
    }
}
