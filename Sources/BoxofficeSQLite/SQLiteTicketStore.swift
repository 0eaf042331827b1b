import BoxofficeDomain
import BoxofficeTickets
import Foundation
import NIOCore
import SQLiteNIO

/// Tickets' tables in the SQLite booking database.
enum SQLiteTicketTables {
    /// Migration 16: each event's signing key, tickets given new secrets, check-ins, door staff.
    static let schema = [
        "CREATE TABLE ticket_keys (event_id INTEGER PRIMARY KEY REFERENCES events(id), private_key BLOB NOT NULL, created_at INTEGER NOT NULL)",
        "CREATE TABLE ticket_versions (ticket_id TEXT PRIMARY KEY, event_id INTEGER NOT NULL, version INTEGER NOT NULL CHECK (version > 1), updated_at INTEGER NOT NULL)",
        "CREATE INDEX ticket_versions_event ON ticket_versions(event_id)",
        """
        CREATE TABLE checkins (
            ticket_id TEXT PRIMARY KEY, event_id INTEGER NOT NULL, booking_id TEXT NOT NULL, gate TEXT NOT NULL, nonce TEXT NOT NULL,
            scanned_at INTEGER NOT NULL, checked_in_at INTEGER NOT NULL)
        """,
        "CREATE INDEX checkins_event ON checkins(event_id, gate)",
        """
        CREATE TABLE event_staff (
            event_id INTEGER NOT NULL REFERENCES events(id), identity TEXT NOT NULL, email TEXT NOT NULL, added_at INTEGER NOT NULL,
            PRIMARY KEY (event_id, identity))
        """,
    ]

    static func record(_ row: SQLiteRow) -> CheckinRecord {
        CheckinRecord(
            gate: row.column("gate")?.string ?? "", nonce: row.column("nonce")?.string ?? "",
            scannedAt: ColumnCoding.date(row.column("scanned_at")), checkedInAt: ColumnCoding.date(row.column("checked_in_at"))
        )
    }

    /// Rows of `table` whose `column` is one of `values`, 500 to a statement.
    static func rows(
        _ select: String, where column: String, in values: [String], connection: SQLiteConnection
    ) async throws -> [SQLiteRow] {
        var rows: [SQLiteRow] = []
        for start in stride(from: 0, to: values.count, by: 500) {
            let chunk = values[start ..< min(start + 500, values.count)]
            rows += try await connection.query("\(select) WHERE \(column) IN (\(ColumnCoding.placeholders(chunk.count)))", chunk.map { .text($0) })
        }
        return rows
    }
}

/// A check-in batch's steps on the SQLite writer, inside its transaction.
struct SQLiteCheckinTransaction: CheckinTransaction {
    let connection: SQLiteConnection

    func states(of bookings: [BookingID], tickets: [TicketID]) async throws -> TicketStates {
        var statuses: [BookingID: BookingStatus] = [:]
        for row in try await SQLiteTicketTables.rows("SELECT id, status FROM bookings", where: "id", in: bookings.map(\.description), connection: connection) {
            if let id = row.column("id")?.string.flatMap(BookingID.init), let status = row.column("status")?.string.flatMap(BookingStatus.init) {
                statuses[id] = status
            }
        }
        var versions: [TicketID: Int] = [:]
        let rows = try await SQLiteTicketTables.rows(
            "SELECT ticket_id, version FROM ticket_versions", where: "ticket_id", in: tickets.map(\.description), connection: connection
        )
        for row in rows {
            if let id = row.column("ticket_id")?.string.flatMap(TicketID.init), let version = row.column("version")?.integer { versions[id] = version }
        }
        let refunded = try await SQLiteTicketTables.rows(
            "SELECT ticket_id FROM refunded_tickets", where: "ticket_id", in: tickets.map(\.description), connection: connection
        )
        return TicketStates(statuses: statuses, versions: versions, refunded: Set(refunded.compactMap { $0.column("ticket_id")?.string.flatMap(TicketID.init) }))
    }

    func insertCheckins(_ attempts: [CheckinAttempt], of event: EventID, notices: [Notice]) async throws -> Set<TicketID> {
        var inserted: Set<TicketID> = []
        for start in stride(from: 0, to: attempts.count, by: 100) {
            let chunk = attempts[start ..< min(start + 100, attempts.count)]
            var binds: [SQLiteData] = []
            binds.reserveCapacity(chunk.count * 7)
            for attempt in chunk {
                binds += [
                    .text(attempt.claim.ticket.description), ColumnCoding.int(event.rawValue), .text(attempt.claim.ticket.booking.description),
                    .text(attempt.record.gate), .text(attempt.record.nonce), ColumnCoding.millis(attempt.record.scannedAt),
                    ColumnCoding.millis(attempt.record.checkedInAt),
                ]
            }
            let rows = try await connection.query(
                "INSERT INTO checkins (ticket_id, event_id, booking_id, gate, nonce, scanned_at, checked_in_at) VALUES "
                    + Array(repeating: "(?, ?, ?, ?, ?, ?, ?)", count: chunk.count).joined(separator: ", ") + " ON CONFLICT DO NOTHING RETURNING ticket_id",
                binds
            )
            for row in rows { if let id = row.column("ticket_id")?.string.flatMap(TicketID.init) { inserted.insert(id) } }
        }
        try await SQLiteWebhookTables.append(zip(attempts, notices).filter { inserted.contains($0.0.claim.ticket) }.map(\.1), connection: connection)
        return inserted
    }

    func checkins(_ tickets: [TicketID]) async throws -> [TicketID: CheckinRecord] {
        var records: [TicketID: CheckinRecord] = [:]
        for row in try await SQLiteTicketTables.rows("SELECT * FROM checkins", where: "ticket_id", in: tickets.map(\.description), connection: connection) {
            if let id = row.column("ticket_id")?.string.flatMap(TicketID.init) { records[id] = SQLiteTicketTables.record(row) }
        }
        return records
    }
}

extension SQLiteBookingStore: TicketStore {
    public func ticketKey(of event: EventID, candidate: [UInt8], at: Date) async throws -> [UInt8] {
        try await database.write { connection in
            _ = try await connection.query(
                "INSERT INTO ticket_keys (event_id, private_key, created_at) VALUES (?, ?, ?) ON CONFLICT DO NOTHING",
                [ColumnCoding.int(event.rawValue), .blob(ByteBuffer(bytes: candidate)), ColumnCoding.millis(at)]
            )
            let rows = try await connection.query("SELECT private_key FROM ticket_keys WHERE event_id = ?", [ColumnCoding.int(event.rawValue)])
            // A key that does not read back is damage to report, never a reason to sign with another.
            guard var blob = rows.first?.column("private_key")?.blob, let bytes = blob.readBytes(length: blob.readableBytes), bytes.count == 32 else {
                throw TicketKeyDamaged(event: event)
            }
            return bytes
        }
    }

    public func ticketStates(_ tickets: [TicketID]) async throws -> (versions: [TicketID: Int], checkins: [TicketID: CheckinRecord], refunded: Set<TicketID>) {
        // The reader's connection: a ticket page never waits behind the writer's batches.
        var versions: [TicketID: Int] = [:]
        var refunded: Set<TicketID> = []
        var records: [TicketID: CheckinRecord] = [:]
        for start in stride(from: 0, to: tickets.count, by: 500) {
            let chunk = tickets[start ..< min(start + 500, tickets.count)].map { SQLiteData.text($0.description) }
            let marks = ColumnCoding.placeholders(chunk.count)
            for row in try await database.read("SELECT ticket_id, version FROM ticket_versions WHERE ticket_id IN (\(marks))", chunk) {
                if let id = row.column("ticket_id")?.string.flatMap(TicketID.init), let version = row.column("version")?.integer { versions[id] = version }
            }
            for row in try await database.read("SELECT ticket_id FROM refunded_tickets WHERE ticket_id IN (\(marks))", chunk) {
                if let id = row.column("ticket_id")?.string.flatMap(TicketID.init) { refunded.insert(id) }
            }
            for row in try await database.read("SELECT * FROM checkins WHERE ticket_id IN (\(marks))", chunk) {
                if let id = row.column("ticket_id")?.string.flatMap(TicketID.init) { records[id] = SQLiteTicketTables.record(row) }
            }
        }
        return (versions, records, refunded)
    }

    public func reissue(_ ticket: TicketID, of event: EventID, at: Date) async throws -> Int {
        try await database.write { connection in
            let rows = try await connection.query(
                """
                INSERT INTO ticket_versions (ticket_id, event_id, version, updated_at) VALUES (?, ?, 2, ?)
                ON CONFLICT (ticket_id) DO UPDATE SET version = ticket_versions.version + 1, updated_at = excluded.updated_at
                RETURNING version
                """,
                [.text(ticket.description), ColumnCoding.int(event.rawValue), ColumnCoding.millis(at)]
            )
            return rows.first?.column("version")?.integer ?? 2
        }
    }

    public func checkIn(_ attempts: [CheckinAttempt], of event: EventID) async throws -> [CheckinOutcome] {
        try await database.write { connection in
            try await CheckinApplier.apply(attempts, of: event, in: SQLiteCheckinTransaction(connection: connection))
        }
    }

    public func checkinCounts(of event: Event, at: Date) async throws -> CheckinProgress {
        let id = ColumnCoding.int(event.id.rawValue)
        let seats = try await database.read(
            "SELECT COUNT(*) AS n FROM seat_claims WHERE seat_id >= ? AND seat_id < ? AND status = 'sold'",
            [ColumnCoding.int(event.seatIDs.lowerBound), ColumnCoding.int(event.seatIDs.upperBound)]
        ).first?.column("n")?.integer ?? 0
        let pools = try await database.read("SELECT COALESCE(SUM(sold), 0) AS n FROM ga_pools WHERE event_id = ?", [id]).first?.column("n")?.integer ?? 0
        var gates: [String: Int] = [:]
        for row in try await database.read("SELECT gate, COUNT(*) AS n FROM checkins WHERE event_id = ? GROUP BY gate", [id]) {
            gates[row.column("gate")?.string ?? ""] = row.column("n")?.integer ?? 0
        }
        return CheckinProgress(eventID: event.id, expected: seats + pools, gates: gates, at: at)
    }

    public func offlineList(of event: EventID) async throws -> OfflineList {
        let id = ColumnCoding.int(event.rawValue)
        let refunded = try await database.read("SELECT id FROM bookings WHERE event_id = ? AND status = 'refunded'", [id])
        let versions = try await database.read("SELECT ticket_id, version FROM ticket_versions WHERE event_id = ?", [id])
        let checkedIn = try await database.read("SELECT ticket_id FROM checkins WHERE event_id = ?", [id])
        let refundedTickets = try await database.read(
            "SELECT t.ticket_id FROM refunded_tickets t JOIN refunds r ON r.id = t.refund_id WHERE r.event_id = ?", [id]
        )
        var reissued: [TicketID: Int] = [:]
        for row in versions {
            if let ticket = row.column("ticket_id")?.string.flatMap(TicketID.init) { reissued[ticket] = row.column("version")?.integer ?? 1 }
        }
        return OfflineList(
            revokedBookings: refunded.compactMap { $0.column("id")?.string.flatMap(BookingID.init) },
            refundedTickets: refundedTickets.compactMap { $0.column("ticket_id")?.string.flatMap(TicketID.init) }, reissued: reissued,
            checkedIn: checkedIn.compactMap { $0.column("ticket_id")?.string.flatMap(TicketID.init) }
        )
    }

    public func addStaff(_ member: StaffMember, to event: EventID) async throws -> StaffMember {
        try await database.write { connection in
            let rows = try await connection.query(
                """
                INSERT INTO event_staff (event_id, identity, email, added_at) VALUES (?, ?, ?, ?)
                ON CONFLICT (event_id, identity) DO UPDATE SET email = excluded.email RETURNING added_at
                """,
                [ColumnCoding.int(event.rawValue), .text(member.identity), .text(member.email), ColumnCoding.millis(member.addedAt)]
            )
            var added = member
            if let at = rows.first?.column("added_at") { added.addedAt = ColumnCoding.date(at) }
            return added
        }
    }

    public func staff(of event: EventID) async throws -> [StaffMember] {
        try await database.read("SELECT * FROM event_staff WHERE event_id = ? ORDER BY added_at, identity", [ColumnCoding.int(event.rawValue)]).map { row in
            StaffMember(identity: row.column("identity")?.string ?? "", email: row.column("email")?.string ?? "", addedAt: ColumnCoding.date(row.column("added_at")))
        }
    }

    public func removeStaff(_ identity: String, from event: EventID) async throws -> Bool {
        try await database.write { connection in
            !(try await connection.query(
                "DELETE FROM event_staff WHERE event_id = ? AND identity = ? RETURNING identity", [ColumnCoding.int(event.rawValue), .text(identity)]
            )).isEmpty
        }
    }

    public func isStaff(_ identity: String, of event: EventID) async throws -> Bool {
        !(try await database.read("SELECT 1 FROM event_staff WHERE event_id = ? AND identity = ?", [ColumnCoding.int(event.rawValue), .text(identity)])).isEmpty
    }
}
