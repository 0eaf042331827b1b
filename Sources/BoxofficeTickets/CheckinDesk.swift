import BoxofficeDomain
import Crypto
import Foundation

/// The door of every event: checks a scanned secret's signature in memory, then decides it with the scans that
/// arrive together, in one transaction of the booking database (``CheckinApplier``), so a ticket is admitted exactly
/// once whatever the number of gates, instances or retries.
public struct CheckinDesk: Sendable {
    private let keyring: TicketKeyring
    private let batcher: WriteBatcher<EventID, CheckinAttempt, CheckinOutcome>

    /// A desk deciding with `store`, checking signatures with `keyring`'s keys.
    public init(store: any TicketStore, keyring: TicketKeyring) {
        self.keyring = keyring
        batcher = WriteBatcher { event, attempts in try await store.checkIn(attempts, of: event) }
    }

    /// Decides one scan at an event's door.
    public func checkIn(_ request: CheckinRequest, at event: EventID, now: Date) async throws -> CheckinAnswer {
        let claim: TicketClaim
        do {
            let keys = try await keyring.pair(of: event, now: now)
            claim = try TicketSecret.verify(request.secret, event: event, key: keys.public, signer: keys.private)
        } catch let flaw as TicketSecret.Flaw {
            return CheckinAnswer(result: .invalid, reason: Self.reason(flaw), claim: nil, checkin: nil)
        }
        let attempt = CheckinAttempt(
            claim: claim, record: CheckinRecord(gate: request.gate, nonce: request.nonce, scannedAt: request.scannedAt ?? now, checkedInAt: now)
        )
        switch try await batcher.submit(attempt, to: event) {
        case .admitted(let record):
            return CheckinAnswer(result: .admitted, reason: "Welcome in.", claim: claim, checkin: record)
        case .alreadyCheckedIn(let record):
            return CheckinAnswer(result: .alreadyCheckedIn, reason: "Already checked in at gate \(record.gate).", claim: claim, checkin: record)
        case .revoked(.booking(let status)):
            return CheckinAnswer(result: .revoked, reason: "Revoked: the booking was \(status.rawValue.replacingOccurrences(of: "_", with: " ")).", claim: claim, checkin: nil)
        case .revoked(.refunded):
            return CheckinAnswer(result: .revoked, reason: "Revoked: this ticket was refunded.", claim: claim, checkin: nil)
        case .revoked(.reissued):
            return CheckinAnswer(result: .revoked, reason: "Revoked: this ticket was given a new code; ask for the new one.", claim: claim, checkin: nil)
        case .unknown:
            return CheckinAnswer(result: .invalid, reason: "Not a valid ticket: no such booking, or a code never issued.", claim: nil, checkin: nil)
        }
    }

    private static func reason(_ flaw: TicketSecret.Flaw) -> String {
        switch flaw {
        case .malformed: "Not a ticket: the code cannot be read as one."
        case .unknownFormat(let format): "An old ticket format (\(format)): ask for the ticket again."
        case .otherEvent(let other): "A ticket of another event (\(other))."
        case .forged: "Forged: the signature is not this event's."
        }
    }
}
