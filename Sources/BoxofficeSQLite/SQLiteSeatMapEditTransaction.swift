import BoxofficeDomain
import BoxofficeStorage
import Foundation
import SQLiteNIO

/// One seat-map edit's steps on the SQLite writer, inside its transaction (the writer is alone: no lock to take).
struct SQLiteSeatMapEditTransaction: SeatMapEditTransaction {
    let connection: SQLiteConnection

    func lockEvent(_ event: EventID) async throws {}

    func storedEvent(_ id: EventID) async throws -> Event? {
        let bind = [ColumnCoding.int(id.rawValue)]
        guard let row = try await connection.query("SELECT * FROM events WHERE id = ?", bind).first else { return nil }
        return try SQLiteBookingStore.event(from: row, pools: try await connection.query(SQLiteBookingStore.poolsQuery, bind))
    }

    func claimedSeats(of event: Event) async throws -> Set<SeatID> {
        try await SQLiteBookingStore.claimedSeats(of: event, on: connection)
    }

    func allocateSeats(_ count: Int) async throws -> SeatID {
        try await SQLiteBookingStore.allocateSeats(on: connection)
    }

    func writeLayout(of event: Event) async throws {
        _ = try await connection.query(
            "UPDATE events SET layout = ?, first_seat_id = ?, seat_count = ?, layout_version = ? WHERE id = ?",
            [
                .text(try StoredLayout(categories: event.categories, seatMap: event.seatMap).encoded()), ColumnCoding.int(event.firstSeatID.rawValue),
                ColumnCoding.int(event.seatMap.seatCount), ColumnCoding.int(event.layoutVersion), ColumnCoding.int(event.id.rawValue),
            ]
        )
    }
}

extension SQLiteBookingStore {
    public func editSeatMap(_ id: EventID, _ edit: SeatMapEdit) async throws -> Event {
        try await database.write { connection in
            try await SeatMapEditApplier.apply(edit, to: id, in: SQLiteSeatMapEditTransaction(connection: connection))
        }
    }
}
