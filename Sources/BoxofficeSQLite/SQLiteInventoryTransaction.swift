import BoxofficeDomain
import BoxofficeMessaging
import BoxofficeStorage
import Foundation
import SQLiteNIO

/// The primitive batch writes in SQLite, on the writer connection inside an open transaction.
public struct SQLiteInventoryTransaction: InventoryTransaction {
    /// The most values one multi-row statement carries, well under SQLite's limit of bound values.
    static let chunkSize = 2_000

    let connection: SQLiteConnection

    /// Wraps the writer connection of an open transaction.
    public init(connection: SQLiteConnection) {
        self.connection = connection
    }

    public func endHolds(_ bookings: [BookingID], status: BookingStatus, at: Date) async throws -> Set<BookingID> {
        try await move(bookings, from: .held, to: status, at: at)
    }

    public func deleteClaims(_ claims: [SeatClaim]) async throws {
        try await run("DELETE FROM seat_claims", onClaims: claims)
    }

    public func claimSeats(_ claims: [SeatClaim], event: EventID) async throws -> [SeatID: BookingID] {
        var claimed: [SeatID: BookingID] = [:]
        for chunk in claims.chunked(by: Self.chunkSize / 2 - 1) {
            let values = Array(repeating: "(?, ?)", count: chunk.count).joined(separator: ", ")
            let binds = chunk.flatMap { [ColumnCoding.int($0.seat.rawValue), .text($0.booking.description)] } + [ColumnCoding.int(event.rawValue)]
            let rows = try await connection.query(
                """
                INSERT INTO seat_claims (seat_id, event_id, booking_id, status)
                SELECT v.column1, events.id, v.column2, 'held' FROM (VALUES \(values)) AS v, events
                WHERE events.id = ? AND v.column1 >= events.first_seat_id AND v.column1 < events.first_seat_id + events.seat_count
                ON CONFLICT (seat_id) DO NOTHING RETURNING seat_id, booking_id
                """,
                binds
            )
            for row in rows {
                guard let seat = row.column("seat_id")?.integer, let booking = row.column("booking_id")?.string.flatMap(BookingID.init) else { continue }
                claimed[SeatID(rawValue: Int64(seat))] = booking
            }
        }
        return claimed
    }

    public func addHeld(_ quantity: Int, to pool: PoolID) async throws -> Bool {
        let rows = try await connection.query(
            "UPDATE ga_pools SET held = held + ? WHERE id = ? AND held + sold + ? <= capacity RETURNING id",
            [ColumnCoding.int(quantity), ColumnCoding.int(pool.rawValue), ColumnCoding.int(quantity)]
        )
        return !rows.isEmpty
    }

    public func addHoldings(_ holdings: [CustomerTickets], event: EventID, cap: Int) async throws -> Set<String> {
        var fit = Set<String>()
        for holding in holdings where holding.tickets <= cap {
            let rows = try await connection.query(
                """
                INSERT INTO customer_holdings (event_id, customer, tickets) VALUES (?, ?, ?)
                ON CONFLICT (event_id, customer) DO UPDATE SET tickets = customer_holdings.tickets + excluded.tickets
                WHERE customer_holdings.tickets + excluded.tickets <= ?
                RETURNING customer
                """,
                [ColumnCoding.int(event.rawValue), .text(holding.customer), ColumnCoding.int(holding.tickets), ColumnCoding.int(cap)]
            )
            if !rows.isEmpty { fit.insert(holding.customer) }
        }
        return fit
    }

    public func removeHoldings(_ holdings: [CustomerTickets], event: EventID) async throws {
        for holding in holdings {
            _ = try await connection.query(
                "UPDATE customer_holdings SET tickets = MAX(0, tickets - ?) WHERE event_id = ? AND customer = ?",
                [ColumnCoding.int(holding.tickets), ColumnCoding.int(event.rawValue), .text(holding.customer)]
            )
        }
    }

    public func removeHeld(_ quantity: Int, from pool: PoolID) async throws {
        _ = try await connection.query("UPDATE ga_pools SET held = held - ? WHERE id = ?", [ColumnCoding.int(quantity), ColumnCoding.int(pool.rawValue)])
    }

    public func insertBookings(_ bookings: [Booking]) async throws {
        for chunk in bookings.chunked(by: Self.chunkSize / 11) {
            let values = Array(repeating: "(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", count: chunk.count).joined(separator: ", ")
            var binds: [SQLiteData] = []
            binds.reserveCapacity(chunk.count * 11)
            for booking in chunk {
                binds += [
                    .text(booking.id.description), ColumnCoding.int(booking.eventID.rawValue), .text(booking.status.rawValue),
                    ColumnCoding.seats(booking.seatIDs), ColumnCoding.tickets(booking.tickets),
                    ColumnCoding.int(booking.amountMinor), .text(booking.currency.code), .text(booking.userIdentifier),
                    ColumnCoding.millis(booking.expiresAt), ColumnCoding.millis(booking.createdAt), ColumnCoding.millis(booking.createdAt),
                ]
            }
            _ = try await connection.query(
                """
                INSERT INTO bookings (id, event_id, status, seat_ids, tickets, amount_minor, currency, user_identifier,
                    expires_at, created_at, updated_at) VALUES \(values)
                """,
                binds
            )
        }
    }
}

extension SQLiteInventoryTransaction {
    public func startPayments(_ bookings: [BookingID], at: Date) async throws -> Set<BookingID> {
        try await move(bookings, from: .held, to: .paymentPending, at: at)
    }

    public func settle(_ bookings: [BookingID], confirmed: Bool, at: Date) async throws -> Set<BookingID> {
        try await move(bookings, from: .paymentPending, to: confirmed ? .confirmed : .cancelled, at: at)
    }

    public func sellClaims(_ claims: [SeatClaim]) async throws {
        try await run("UPDATE seat_claims SET status = 'sold'", onClaims: claims)
    }

    /// Runs `statement` on the claims of the seats named, where they still belong to one of the bookings named.
    private func run(_ statement: String, onClaims claims: [SeatClaim]) async throws {
        for chunk in claims.chunked(by: Self.chunkSize / 2) {
            let seats = ColumnCoding.placeholders(chunk.count)
            _ = try await connection.query(
                "\(statement) WHERE seat_id IN (\(seats)) AND booking_id IN (\(seats))",
                chunk.map { ColumnCoding.int($0.seat.rawValue) } + chunk.map { .text($0.booking.description) }
            )
        }
    }

    public func sellHeld(_ quantity: Int, from pool: PoolID) async throws {
        _ = try await connection.query(
            "UPDATE ga_pools SET held = held - ?, sold = sold + ? WHERE id = ?",
            [ColumnCoding.int(quantity), ColumnCoding.int(quantity), ColumnCoding.int(pool.rawValue)]
        )
    }

    public func recordInbox(_ messages: [UUID]) async throws -> Set<UUID> {
        try await SQLiteMessageTables.record(messages, at: Date(), connection: connection)
    }

    public func appendOutbox(_ messages: [Message]) async throws {
        try await SQLiteMessageTables.append(messages, connection: connection)
    }

    public func appendHistory(_ entries: [BookingHistoryEntry]) async throws {
        try await SQLiteBackOfficeTables.append(entries, connection: connection)
    }

    public func appendNotices(_ notices: [Notice]) async throws {
        try await SQLiteWebhookTables.append(notices, connection: connection)
    }

    public func touchWaitingPayments(since cutoff: Date, at: Date, limit: Int) async throws -> [PaymentRequested] {
        let rows = try await connection.query(
            """
            UPDATE bookings SET updated_at = ? WHERE id IN (
                SELECT id FROM bookings WHERE status = 'payment_pending' AND updated_at < ? ORDER BY updated_at LIMIT ?)
            RETURNING id, user_identifier, amount_minor, currency, event_id
            """,
            [ColumnCoding.millis(at), ColumnCoding.millis(cutoff), ColumnCoding.int(limit)]
        )
        return rows.compactMap { row in
            guard let id = row.column("id")?.string.flatMap(UUID.init(uuidString:)), let user = row.column("user_identifier")?.string,
                let amount = row.column("amount_minor")?.integer, let currency = row.column("currency")?.string, let event = row.column("event_id")?.integer
            else { return nil }
            return PaymentRequested(bookingId: id, userIdentifier: user, amountMinor: Int64(amount), currency: currency, eventId: Int64(event))
        }
    }

    private func move(_ bookings: [BookingID], from: BookingStatus, to: BookingStatus, at: Date) async throws -> Set<BookingID> {
        var moved = Set<BookingID>()
        for chunk in bookings.chunked(by: Self.chunkSize) {
            let rows = try await connection.query(
                "UPDATE bookings SET status = ?, updated_at = ? WHERE status = ? AND id IN (\(ColumnCoding.placeholders(chunk.count))) RETURNING id",
                [.text(to.rawValue), ColumnCoding.millis(at), .text(from.rawValue)] + chunk.map { .text($0.description) }
            )
            for row in rows { if let id = row.column("id")?.string.flatMap(BookingID.init) { moved.insert(id) } }
        }
        return moved
    }
}

extension Array {
    /// The array cut into consecutive slices of at most `size` elements.
    func chunked(by size: Int) -> [ArraySlice<Element>] {
        stride(from: 0, to: count, by: size).map { self[$0 ..< Swift.min($0 + size, count)] }
    }
}
