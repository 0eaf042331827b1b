import BoxofficeDomain
import BoxofficeTickets
import Foundation
import Logging
import PostgresNIO

/// Tickets' tables in the PostgreSQL booking database.
enum PostgresTicketTables {
    /// Migration 16: each event's signing key, tickets given new secrets, check-ins, door staff.
    static let schema = [
        "CREATE TABLE ticket_keys (event_id BIGINT PRIMARY KEY REFERENCES events(id), private_key TEXT NOT NULL, created_at TIMESTAMPTZ NOT NULL)",
        "CREATE TABLE ticket_versions (ticket_id TEXT PRIMARY KEY, event_id BIGINT NOT NULL, version INTEGER NOT NULL CHECK (version > 1), updated_at TIMESTAMPTZ NOT NULL)",
        "CREATE INDEX ticket_versions_event ON ticket_versions(event_id)",
        """
        CREATE TABLE checkins (
            ticket_id TEXT PRIMARY KEY, event_id BIGINT NOT NULL, booking_id UUID NOT NULL, gate TEXT NOT NULL, nonce TEXT NOT NULL,
            scanned_at TIMESTAMPTZ NOT NULL, checked_in_at TIMESTAMPTZ NOT NULL)
        """,
        "CREATE INDEX checkins_event ON checkins(event_id, gate)",
        """
        CREATE TABLE event_staff (
            event_id BIGINT NOT NULL REFERENCES events(id), identity TEXT NOT NULL, email TEXT NOT NULL, added_at TIMESTAMPTZ NOT NULL,
            PRIMARY KEY (event_id, identity))
        """,
    ]
}

/// A check-in batch's steps on one PostgreSQL connection, inside its transaction.
struct PostgresCheckinTransaction: CheckinTransaction {
    let connection: PostgresConnection
    let logger: Logger

    func states(of bookings: [BookingID], tickets: [TicketID]) async throws -> TicketStates {
        var states = TicketStates()
        // One round trip for all three: a booking's row carries its status, a reissued ticket's its version, a refunded
        // ticket's row says so.
        for try await (kind, id, status, version) in try await connection.query(
            """
            SELECT 'b', id::text, status, NULL::integer FROM bookings WHERE id = ANY(\(bookings.map(\.rawValue)))
            UNION ALL SELECT 'v', ticket_id, NULL, version FROM ticket_versions WHERE ticket_id = ANY(\(tickets.map(\.description)))
            UNION ALL SELECT 'r', ticket_id, NULL, NULL FROM refunded_tickets WHERE ticket_id = ANY(\(tickets.map(\.description)))
            """,
            logger: logger
        ).decode((String, String, String?, Int?).self) {
            switch kind {
            case "b": if let booking = BookingID(id), let value = status.flatMap(BookingStatus.init(rawValue:)) { states.statuses[booking] = value }
            case "v": if let version, let ticket = TicketID(id) { states.versions[ticket] = version }
            default: if let ticket = TicketID(id) { states.refunded.insert(ticket) }
            }
        }
        return states
    }

    func insertCheckins(_ attempts: [CheckinAttempt], of event: EventID, notices: [Notice]) async throws -> Set<TicketID> {
        var inserted: Set<TicketID> = []
        // One statement records the check-ins and the notices of those recorded: the batch is not one transaction.
        for try await id in try await connection.query(
            """
            WITH a AS (
                SELECT * FROM UNNEST(
                    \(attempts.map(\.claim.ticket.description)), \(attempts.map(\.claim.ticket.booking.rawValue)), \(attempts.map(\.record.gate)),
                    \(attempts.map(\.record.nonce)), \(attempts.map(\.record.scannedAt)), \(attempts.map(\.record.checkedInAt)),
                    \(notices.map(\.id)), \(notices.map(\.topic.rawValue))
                ) WITH ORDINALITY AS a(t, b, g, n, s, c, notice, topic, ord)
            ), inserted AS (
                INSERT INTO checkins (ticket_id, event_id, booking_id, gate, nonce, scanned_at, checked_in_at)
                SELECT t, \(event.rawValue), b, g, n, s, c FROM a
                WHERE NOT EXISTS (SELECT 1 FROM refunded_tickets r WHERE r.ticket_id = a.t)
                  AND EXISTS (SELECT 1 FROM bookings k WHERE k.id = a.b AND k.status = 'confirmed')
                ORDER BY ord
                ON CONFLICT DO NOTHING
                RETURNING ticket_id
            ), noticed AS (
                INSERT INTO notices (id, topic, event_id, booking_id, subject, at)
                SELECT a.notice, a.topic, \(event.rawValue), a.b, a.t, a.c FROM a JOIN inserted i ON i.ticket_id = a.t ORDER BY a.ord
                ON CONFLICT (id) DO NOTHING
            )
            SELECT ticket_id FROM inserted
            """,
            logger: logger
        ).decode(String.self) {
            if let ticket = TicketID(id) { inserted.insert(ticket) }
        }
        return inserted
    }

    func checkins(_ tickets: [TicketID]) async throws -> [TicketID: CheckinRecord] {
        var records: [TicketID: CheckinRecord] = [:]
        for try await (id, gate, nonce, scanned, checkedIn) in try await connection.query(
            "SELECT ticket_id, gate, nonce, scanned_at, checked_in_at FROM checkins WHERE ticket_id = ANY(\(tickets.map(\.description)))", logger: logger
        ).decode((String, String, String, Date, Date).self) {
            if let ticket = TicketID(id) { records[ticket] = CheckinRecord(gate: gate, nonce: nonce, scannedAt: scanned, checkedInAt: checkedIn) }
        }
        return records
    }
}

extension PostgresBookingStore: TicketStore {
    public func ticketKey(of event: EventID, candidate: [UInt8], at: Date) async throws -> [UInt8] {
        try await Deadline.run(within: timeout) { [self] in
            try await client.withTransaction(logger: logger) { connection in
                try await connection.query(
                    """
                    INSERT INTO ticket_keys (event_id, private_key, created_at) VALUES (\(event.rawValue), \(Base64URL.encode(candidate)), \(at))
                    ON CONFLICT DO NOTHING
                    """,
                    logger: logger
                )
                for try await key in try await connection.query("SELECT private_key FROM ticket_keys WHERE event_id = \(event.rawValue)", logger: logger)
                    .decode(String.self)
                {
                    // A key that does not read back is damage to report, never a reason to sign with another.
                    guard let bytes = Base64URL.decode(key), bytes.count == 32 else { throw TicketKeyDamaged(event: event) }
                    return bytes
                }
                throw TicketKeyDamaged(event: event)
            }
        }
    }

    public func ticketStates(_ tickets: [TicketID]) async throws -> (versions: [TicketID: Int], checkins: [TicketID: CheckinRecord], refunded: Set<TicketID>) {
        try await Deadline.run(within: timeout) { [self] in
            try await client.withConnection { connection in
                let steps = PostgresCheckinTransaction(connection: connection, logger: logger)
                let states = try await steps.states(of: [], tickets: tickets)
                return (states.versions, try await steps.checkins(tickets), states.refunded)
            }
        }
    }

    public func reissue(_ ticket: TicketID, of event: EventID, at: Date) async throws -> Int {
        try await Deadline.run(within: timeout) { [self] in
            for try await version in try await client.query(
                """
                INSERT INTO ticket_versions (ticket_id, event_id, version, updated_at) VALUES (\(ticket.description), \(event.rawValue), 2, \(at))
                ON CONFLICT (ticket_id) DO UPDATE SET version = ticket_versions.version + 1, updated_at = excluded.updated_at
                RETURNING version
                """,
                logger: logger
            ).decode(Int.self) {
                return version
            }
            return 2
        }
    }

    public func checkIn(_ attempts: [CheckinAttempt], of event: EventID) async throws -> [CheckinOutcome] {
        // Statement by statement on one connection, without BEGIN and COMMIT: the one write is a single conditional
        // insert, atomic by itself, and every read sees what is committed — what a READ COMMITTED transaction would
        // see, for two round trips less per batch.
        try await Deadline.run(within: timeout) { [self] in
            try await client.withConnection { connection in
                try await CheckinApplier.apply(attempts, of: event, in: PostgresCheckinTransaction(connection: connection, logger: logger))
            }
        }
    }

    public func checkinCounts(of event: Event, at: Date) async throws -> CheckinProgress {
        try await Deadline.run(within: timeout) { [self] in
            try await client.withConnection { connection in
                var expected = 0
                for try await count in try await connection.query(
                    """
                    SELECT (SELECT COUNT(*) FROM seat_claims WHERE seat_id >= \(event.seatIDs.lowerBound) AND seat_id < \(event.seatIDs.upperBound)
                        AND status = 'sold') + (SELECT COALESCE(SUM(sold), 0) FROM ga_pools WHERE event_id = \(event.id.rawValue))
                    """,
                    logger: logger
                ).decode(Int.self) {
                    expected = count
                }
                var gates: [String: Int] = [:]
                for try await (gate, count) in try await connection.query(
                    "SELECT gate, COUNT(*) FROM checkins WHERE event_id = \(event.id.rawValue) GROUP BY gate", logger: logger
                ).decode((String, Int).self) {
                    gates[gate] = count
                }
                return CheckinProgress(eventID: event.id, expected: expected, gates: gates, at: at)
            }
        }
    }

    public func offlineList(of event: EventID) async throws -> OfflineList {
        try await Deadline.run(within: timeout) { [self] in
            try await client.withConnection { connection in
                var refunded: [BookingID] = []
                for try await id in try await connection.query(
                    "SELECT id FROM bookings WHERE event_id = \(event.rawValue) AND status = 'refunded'", logger: logger
                ).decode(UUID.self) {
                    refunded.append(BookingID(rawValue: id))
                }
                var refundedTickets: [TicketID] = []
                for try await id in try await connection.query(
                    "SELECT t.ticket_id FROM refunded_tickets t JOIN refunds r ON r.id = t.refund_id WHERE r.event_id = \(event.rawValue)", logger: logger
                ).decode(String.self) {
                    if let ticket = TicketID(id) { refundedTickets.append(ticket) }
                }
                var reissued: [TicketID: Int] = [:]
                for try await (id, version) in try await connection.query(
                    "SELECT ticket_id, version FROM ticket_versions WHERE event_id = \(event.rawValue)", logger: logger
                ).decode((String, Int).self) {
                    if let ticket = TicketID(id) { reissued[ticket] = version }
                }
                var checkedIn: [TicketID] = []
                for try await id in try await connection.query("SELECT ticket_id FROM checkins WHERE event_id = \(event.rawValue)", logger: logger)
                    .decode(String.self)
                {
                    if let ticket = TicketID(id) { checkedIn.append(ticket) }
                }
                return OfflineList(revokedBookings: refunded, refundedTickets: refundedTickets, reissued: reissued, checkedIn: checkedIn)
            }
        }
    }

    public func addStaff(_ member: StaffMember, to event: EventID) async throws -> StaffMember {
        try await Deadline.run(within: timeout) { [self] in
            var added = member
            for try await at in try await client.query(
                """
                INSERT INTO event_staff (event_id, identity, email, added_at) VALUES (\(event.rawValue), \(member.identity), \(member.email), \(member.addedAt))
                ON CONFLICT (event_id, identity) DO UPDATE SET email = excluded.email RETURNING added_at
                """,
                logger: logger
            ).decode(Date.self) {
                added.addedAt = at
            }
            return added
        }
    }

    public func staff(of event: EventID) async throws -> [StaffMember] {
        try await Deadline.run(within: timeout) { [self] in
            var members: [StaffMember] = []
            for try await (identity, email, at) in try await client.query(
                "SELECT identity, email, added_at FROM event_staff WHERE event_id = \(event.rawValue) ORDER BY added_at, identity", logger: logger
            ).decode((String, String, Date).self) {
                members.append(StaffMember(identity: identity, email: email, addedAt: at))
            }
            return members
        }
    }

    public func removeStaff(_ identity: String, from event: EventID) async throws -> Bool {
        try await Deadline.run(within: timeout) { [self] in
            for try await _ in try await client.query(
                "DELETE FROM event_staff WHERE event_id = \(event.rawValue) AND identity = \(identity) RETURNING identity", logger: logger
            ).decode(String.self) {
                return true
            }
            return false
        }
    }

    public func isStaff(_ identity: String, of event: EventID) async throws -> Bool {
        try await Deadline.run(within: timeout) { [self] in
            for try await _ in try await client.query(
                "SELECT identity FROM event_staff WHERE event_id = \(event.rawValue) AND identity = \(identity)", logger: logger
            ).decode(String.self) {
                return true
            }
            return false
        }
    }
}
