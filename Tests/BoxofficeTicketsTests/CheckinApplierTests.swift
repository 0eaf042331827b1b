import BoxofficeDomain
import Foundation
import Testing

@testable import BoxofficeTickets

/// The check-in algorithm against an in-memory transaction: the rules, without a database (the stores' suite runs the
/// same against SQLite and PostgreSQL).
@Suite("Check-in decisions")
struct CheckinApplierTests {
    final class Memory: CheckinTransaction, @unchecked Sendable {
        var statuses: [BookingID: BookingStatus] = [:]
        var versions: [TicketID: Int] = [:]
        var records: [TicketID: CheckinRecord] = [:]
        var refunded: Set<TicketID> = []
        /// Refunded between the batch's read and its insert (a refund committed in between, on PostgreSQL).
        var refundedBeforeInsert: Set<TicketID> = []
        var notices: [Notice] = []

        func states(of bookings: [BookingID], tickets: [TicketID]) async throws -> TicketStates {
            TicketStates(
                statuses: statuses.filter { bookings.contains($0.key) }, versions: versions.filter { tickets.contains($0.key) },
                refunded: refunded.filter { tickets.contains($0) }
            )
        }
        func insertCheckins(_ attempts: [CheckinAttempt], of event: EventID, notices: [Notice]) async throws -> Set<TicketID> {
            #expect(attempts.map(\.claim.ticket) == attempts.map(\.claim.ticket).sorted())
            var inserted: Set<TicketID> = []
            refunded.formUnion(refundedBeforeInsert)
            for (attempt, notice) in zip(attempts, notices) where records[attempt.claim.ticket] == nil && !refunded.contains(attempt.claim.ticket) {
                records[attempt.claim.ticket] = attempt.record
                inserted.insert(attempt.claim.ticket)
                self.notices.append(notice)
            }
            return inserted
        }
        func checkins(_ tickets: [TicketID]) async throws -> [TicketID: CheckinRecord] { records.filter { tickets.contains($0.key) } }
    }

    let event = EventID(rawValue: 1)
    let now = Date(timeIntervalSince1970: 1_800_000_000)

    func attempt(_ ticket: TicketID, nonce: String, gate: String = "A", version: Int = 1) -> CheckinAttempt {
        CheckinAttempt(
            claim: TicketClaim(eventID: event, ticket: ticket, place: .seat(SeatID(rawValue: 1)), version: version),
            record: CheckinRecord(gate: gate, nonce: nonce, scannedAt: now, checkedInAt: now)
        )
    }

    @Test("first scan admits; a second scan (any gate, same batch or later) is already checked in; a retried nonce is admitted again")
    func once() async throws {
        let memory = Memory()
        let booking = BookingID(rawValue: UUID())
        memory.statuses[booking] = .confirmed
        let ticket = TicketID(booking: booking, ordinal: 1)
        let first = attempt(ticket, nonce: "n1", gate: "A")
        let outcomes = try await CheckinApplier.apply([first, attempt(ticket, nonce: "n2", gate: "B")], of: event, in: memory)
        #expect(outcomes == [.admitted(first.record), .alreadyCheckedIn(first.record)])
        let later = try await CheckinApplier.apply([attempt(ticket, nonce: "n1", gate: "A"), attempt(ticket, nonce: "n3", gate: "C")], of: event, in: memory)
        #expect(later == [.admitted(first.record), .alreadyCheckedIn(first.record)])
        // Only the check-in recorded is noticed, once, with its ticket and its time.
        #expect(memory.notices.map(\.topic) == [.checkinAdmitted])
        #expect(memory.notices.first?.bookingID == booking && memory.notices.first?.subject == ticket.description && memory.notices.first?.at == now)
    }

    @Test("the retry of the scan that let a ticket in is admitted again, though the ticket was given a new secret since")
    func retryAfterRevocation() async throws {
        let memory = Memory()
        let booking = BookingID(rawValue: UUID())
        memory.statuses[booking] = .confirmed
        let ticket = TicketID(booking: booking, ordinal: 1)
        let first = attempt(ticket, nonce: "n1")
        #expect(try await CheckinApplier.apply([first], of: event, in: memory) == [.admitted(first.record)])
        memory.versions[ticket] = 2
        let outcomes = try await CheckinApplier.apply([attempt(ticket, nonce: "n1"), attempt(ticket, nonce: "n2")], of: event, in: memory)
        #expect(outcomes == [.admitted(first.record), .revoked(.reissued(current: 2))])
    }

    @Test("a refunded booking's ticket, an older secret and an unknown booking do not admit, and record nothing")
    func refusals() async throws {
        let memory = Memory()
        let refunded = BookingID(rawValue: UUID())
        let reissued = BookingID(rawValue: UUID())
        memory.statuses[refunded] = .refunded
        memory.statuses[reissued] = .confirmed
        memory.versions[TicketID(booking: reissued, ordinal: 2)] = 3
        let outcomes = try await CheckinApplier.apply(
            [
                attempt(TicketID(booking: refunded, ordinal: 1), nonce: "a"), attempt(TicketID(booking: reissued, ordinal: 2), nonce: "b", version: 2),
                attempt(TicketID(booking: BookingID(rawValue: UUID()), ordinal: 1), nonce: "c"),
                attempt(TicketID(booking: reissued, ordinal: 2), nonce: "d", version: 3),
            ],
            of: event, in: memory
        )
        #expect(outcomes.prefix(3) == [.revoked(.booking(.refunded)), .revoked(.reissued(current: 3)), .unknown])
        #expect(memory.records.keys.map(\.description) == [TicketID(booking: reissued, ordinal: 2).description])
    }

    @Test("a ticket refunded between the batch's read and its insert is answered revoked, not invalid")
    func refundedMeanwhile() async throws {
        let memory = Memory()
        let booking = BookingID(rawValue: UUID())
        memory.statuses[booking] = .confirmed
        memory.refundedBeforeInsert = [TicketID(booking: booking, ordinal: 1)]
        let outcomes = try await CheckinApplier.apply([attempt(TicketID(booking: booking, ordinal: 1), nonce: "a")], of: event, in: memory)
        #expect(outcomes == [.revoked(.refunded)] && memory.records.isEmpty)
    }

    @Test("a ticket refunded on its own does not admit; the booking's other tickets still do")
    func refundedTicket() async throws {
        let memory = Memory()
        let booking = BookingID(rawValue: UUID())
        memory.statuses[booking] = .confirmed
        memory.refunded = [TicketID(booking: booking, ordinal: 1)]
        let outcomes = try await CheckinApplier.apply(
            [attempt(TicketID(booking: booking, ordinal: 1), nonce: "a"), attempt(TicketID(booking: booking, ordinal: 2), nonce: "b")], of: event, in: memory
        )
        #expect(outcomes[0] == .revoked(.refunded))
        guard case .admitted = outcomes[1] else { Issue.record("the unrefunded ticket was not admitted: \(outcomes[1])"); return }
        #expect(memory.records.keys.map(\.description) == [TicketID(booking: booking, ordinal: 2).description])
    }
}
