import BoxofficeDomain
import Foundation

/// How a batch of genuine scans is decided, the same on every backend: a ticket admits if its booking is confirmed,
/// it was not refunded, and its secret is its current version; the first check-in recorded wins, and a retried scan (its nonce) gets
/// its own answer again — also when the ticket was revoked after it got in. Each ticket let in is noticed (`checkin.admitted`).
public enum CheckinApplier {
    /// Decides `attempts` with `transaction`'s steps, answering each in order.
    public static func apply(_ attempts: [CheckinAttempt], of event: EventID, in transaction: some CheckinTransaction) async throws -> [CheckinOutcome] {
        let tickets = Array(Set(attempts.map(\.claim.ticket))).sorted()
        let states = try await transaction.states(of: Array(Set(tickets.map(\.booking))), tickets: tickets)
        var outcomes = [CheckinOutcome?](repeating: nil, count: attempts.count)
        var candidates: [TicketID: CheckinAttempt] = [:]
        var revoked: Set<TicketID> = []
        for (index, attempt) in attempts.enumerated() {
            let ticket = attempt.claim.ticket
            guard let status = states.statuses[ticket.booking] else {
                outcomes[index] = .unknown
                continue
            }
            let current = states.versions[ticket] ?? 1
            if status != .confirmed {
                outcomes[index] = .revoked(.booking(status))
                revoked.insert(ticket)
            } else if states.refunded.contains(ticket) {
                outcomes[index] = .revoked(.refunded)
                revoked.insert(ticket)
            } else if attempt.claim.version < current {
                outcomes[index] = .revoked(.reissued(current: current))
                revoked.insert(ticket)
            } else if attempt.claim.version > current {
                outcomes[index] = .unknown
            } else if candidates[ticket] == nil {
                candidates[ticket] = attempt
            }
        }
        let ordered = candidates.keys.sorted().compactMap { candidates[$0] }
        let notices = ordered.map {
            Notice(topic: .checkinAdmitted, eventID: event, bookingID: $0.claim.ticket.booking, subject: $0.claim.ticket.description, at: $0.record.checkedInAt)
        }
        let inserted = ordered.isEmpty ? [] : try await transaction.insertCheckins(ordered, of: event, notices: notices)
        // A ticket this batch let in has the candidate's record; only the others (another scan was first, or revoked)
        // are read back.
        let read = candidates.keys.filter { !inserted.contains($0) } + revoked
        var recorded = read.isEmpty ? [:] : try await transaction.checkins(read)
        for ticket in inserted { recorded[ticket] = candidates[ticket]?.record }
        // A candidate neither recorded now nor before was revoked since the states were read (a refund in between).
        let lost = candidates.keys.filter { recorded[$0] == nil }
        if !lost.isEmpty {
            let again = try await transaction.states(of: Array(Set(lost.map(\.booking))), tickets: lost)
            for (index, attempt) in attempts.enumerated() where lost.contains(attempt.claim.ticket) && outcomes[index] == nil {
                let ticket = attempt.claim.ticket
                if let status = again.statuses[ticket.booking], status != .confirmed {
                    outcomes[index] = .revoked(.booking(status))
                } else if again.refunded.contains(ticket) {
                    outcomes[index] = .revoked(.refunded)
                }
            }
        }
        for (index, attempt) in attempts.enumerated() {
            let first = recorded[attempt.claim.ticket]
            switch outcomes[index] {
            case nil:
                guard let first else {
                    outcomes[index] = .unknown
                    continue
                }
                outcomes[index] = first.nonce == attempt.record.nonce ? .admitted(first) : .alreadyCheckedIn(first)
            case .revoked? where first?.nonce == attempt.record.nonce:
                // The retry of the scan that let the ticket in, before it was revoked: the same answer as then.
                outcomes[index] = first.map { .admitted($0) }
            default:
                break
            }
        }
        return outcomes.map { $0 ?? .unknown }
    }
}
