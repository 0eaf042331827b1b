import BoxofficeDomain
import Foundation
import SQLiteNIO

extension SQLiteBookingStore {
    /// The most rows one multi-row statement carries, well under SQLite's limit of bound values.
    static let chunkSize = 2_000

    public func apply(_ changes: [InventoryChange], event: EventID) async throws -> [Bool] {
        try await database.write { connection in
            var batch = AppliedBatch(count: changes.count)
            var holds: [(Int, Booking)] = []
            var ended: [(Int, EndedHold)] = []
            for (index, change) in changes.enumerated() {
                switch change {
                case .hold(let booking): holds.append((index, booking))
                case .endHold(let end): ended.append((index, end))
                }
            }
            // Ends go first: a seat released in this batch may be taken by a hold decided after it.
            try await Self.endHolds(ended, connection: connection, batch: &batch)
            try await Self.insertHolds(holds, event: event, connection: connection, batch: &batch)
            return batch.applied
        }
    }

    private static func endHolds(_ ended: [(Int, EndedHold)], connection: SQLiteConnection, batch: inout AppliedBatch) async throws {
        guard !ended.isEmpty else { return }
        var done: [(Int, EndedHold)] = []
        for status in [BookingStatus.released, .expired] {
            let group = ended.filter { $0.1.status == status }
            for chunk in group.chunked(by: chunkSize) {
                let rows = try await connection.query(
                    "UPDATE bookings SET status = ?, updated_at = ? WHERE status = 'held' AND id IN (\(ColumnCoding.placeholders(chunk.count))) RETURNING id",
                    [.text(status.rawValue), ColumnCoding.millis(chunk[0].1.at)] + chunk.map { .text($0.1.bookingID.description) }
                )
                let updated = Set(rows.compactMap { $0.column("id")?.string })
                for (index, end) in chunk {
                    if updated.contains(end.bookingID.description) { done.append((index, end)) } else { batch.applied[index] = false }
                }
            }
        }
        for chunk in done.chunked(by: chunkSize) {
            _ = try await connection.query(
                "DELETE FROM seat_claims WHERE status = 'held' AND booking_id IN (\(ColumnCoding.placeholders(chunk.count)))",
                chunk.map { .text($0.1.bookingID.description) }
            )
        }
        var freed: [PoolID: Int] = [:]
        for (_, end) in done { for line in end.tickets { freed[line.poolID, default: 0] += line.quantity } }
        for (pool, quantity) in freed {
            _ = try await connection.query("UPDATE ga_pools SET held = held - ? WHERE id = ?", [ColumnCoding.int(quantity), ColumnCoding.int(pool.rawValue)])
        }
    }

    private static func insertHolds(_ holds: [(Int, Booking)], event: EventID, connection: SQLiteConnection, batch: inout AppliedBatch) async throws {
        guard !holds.isEmpty else { return }
        try await claimSeats(holds, event: event, connection: connection, batch: &batch)
        try await claimTickets(holds, connection: connection, batch: &batch)
        let failed = holds.filter { !batch.applied[$0.0] }
        try await undo(failed, connection: connection, batch: batch)
        let succeeded = holds.filter { batch.applied[$0.0] }.map(\.1)
        for chunk in succeeded.chunked(by: chunkSize / 5) {
            let values = Array(repeating: "(?, ?, 'held', ?, ?, ?, ?, ?, ?, ?, ?)", count: chunk.count).joined(separator: ", ")
            var binds: [SQLiteData] = []
            binds.reserveCapacity(chunk.count * 10)
            for booking in chunk {
                binds += [
                    .text(booking.id.description), ColumnCoding.int(booking.eventID.rawValue),
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

    private static func claimSeats(_ holds: [(Int, Booking)], event: EventID, connection: SQLiteConnection, batch: inout AppliedBatch) async throws {
        let claims = holds.flatMap { index, booking in booking.seatIDs.map { (index, $0, booking.id) } }
        var claimedBy: [Int64: String] = [:]
        for chunk in claims.chunked(by: chunkSize) {
            let values = Array(repeating: "(?, ?, ?, 'held')", count: chunk.count).joined(separator: ", ")
            let binds = chunk.flatMap { _, seat, booking in [ColumnCoding.int(seat.rawValue), ColumnCoding.int(event.rawValue), .text(booking.description)] }
            let rows = try await connection.query(
                "INSERT INTO seat_claims (seat_id, event_id, booking_id, status) VALUES \(values) ON CONFLICT (seat_id) DO NOTHING RETURNING seat_id, booking_id",
                binds
            )
            for row in rows {
                if let seat = row.column("seat_id")?.integer { claimedBy[Int64(seat)] = row.column("booking_id")?.string }
            }
        }
        for (index, seat, booking) in claims where claimedBy[seat.rawValue] != booking.description { batch.applied[index] = false }
    }

    private static func claimTickets(_ holds: [(Int, Booking)], connection: SQLiteConnection, batch: inout AppliedBatch) async throws {
        var linesByPool: [PoolID: [(Int, Int)]] = [:]
        for (index, booking) in holds where batch.applied[index] {
            for line in booking.tickets { linesByPool[line.poolID, default: []].append((index, line.quantity)) }
        }
        for (pool, lines) in linesByPool {
            let total = lines.reduce(0) { $0 + $1.1 }
            if try await addHeld(total, to: pool, connection: connection) {
                for (index, _) in lines { batch.ticketsTaken[index, default: []].append(pool) }
                continue
            }
            for (index, quantity) in lines {
                if try await addHeld(quantity, to: pool, connection: connection) {
                    batch.ticketsTaken[index, default: []].append(pool)
                } else {
                    batch.applied[index] = false
                }
            }
        }
    }

    private static func addHeld(_ quantity: Int, to pool: PoolID, connection: SQLiteConnection) async throws -> Bool {
        let rows = try await connection.query(
            "UPDATE ga_pools SET held = held + ? WHERE id = ? AND held + sold + ? <= capacity RETURNING id",
            [ColumnCoding.int(quantity), ColumnCoding.int(pool.rawValue), ColumnCoding.int(quantity)]
        )
        return !rows.isEmpty
    }

    private static func undo(_ failed: [(Int, Booking)], connection: SQLiteConnection, batch: AppliedBatch) async throws {
        for chunk in failed.chunked(by: chunkSize) {
            _ = try await connection.query(
                "DELETE FROM seat_claims WHERE booking_id IN (\(ColumnCoding.placeholders(chunk.count)))",
                chunk.map { .text($0.1.id.description) }
            )
        }
        for (index, booking) in failed {
            for line in booking.tickets where batch.ticketsTaken[index, default: []].contains(line.poolID) {
                _ = try await connection.query(
                    "UPDATE ga_pools SET held = held - ? WHERE id = ?",
                    [ColumnCoding.int(line.quantity), ColumnCoding.int(line.poolID.rawValue)]
                )
            }
        }
    }
}

/// What one batch has done so far: which changes still stand, and which pools each hold has drawn from.
struct AppliedBatch {
    var applied: [Bool]
    var ticketsTaken: [Int: [PoolID]] = [:]

    init(count: Int) {
        applied = Array(repeating: true, count: count)
    }
}

extension Array {
    /// The array cut into consecutive slices of at most `size` elements.
    func chunked(by size: Int) -> [ArraySlice<Element>] {
        stride(from: 0, to: count, by: size).map { self[$0 ..< Swift.min($0 + size, count)] }
    }
}
