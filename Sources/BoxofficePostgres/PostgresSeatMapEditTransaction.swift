import BoxofficeDomain
import BoxofficeStorage
import Foundation
import Logging
import PostgresNIO

/// One seat-map edit's steps on one PostgreSQL connection, inside its transaction.
struct PostgresSeatMapEditTransaction: SeatMapEditTransaction {
    let connection: PostgresConnection
    let logger: Logger
    let store: PostgresBookingStore

    func lockEvent(_ event: EventID) async throws {
        try await store.lockAndAnnounce(event, connection: connection)
    }

    func storedEvent(_ id: EventID) async throws -> Event? {
        try await store.events(where: id, on: connection).first
    }

    func claimedSeats(of event: Event) async throws -> Set<SeatID> {
        try await store.claimedSeats(of: event, on: connection)
    }

    func allocateSeats(_ count: Int) async throws -> SeatID {
        try await store.allocateSeats(count, on: connection)
    }

    func writeLayout(of event: Event) async throws {
        let layout = try StoredLayout(categories: event.categories, seatMap: event.seatMap).encoded()
        try await connection.query(
            """
            UPDATE events SET layout = \(layout), first_seat_id = \(event.firstSeatID.rawValue), seat_count = \(event.seatMap.seatCount),
                layout_version = \(event.layoutVersion) WHERE id = \(event.id.rawValue)
            """,
            logger: logger
        )
    }
}

/// An event's seat map as stored, read again only when an organizer changed it.
enum PostgresLayoutRows {
    /// `event` with the seat map, first seat id and layout version stored now, when its layout version moved.
    static func current(of event: Event, on connection: PostgresConnection, logger: Logger) async throws -> Event {
        for try await (version, first, text) in try await connection.query(
            """
            SELECT layout_version, first_seat_id, CASE WHEN layout_version = \(event.layoutVersion) THEN NULL ELSE layout END
            FROM events WHERE id = \(event.id.rawValue)
            """,
            logger: logger
        ).decode((Int, Int64, String?).self) {
            guard let text else { return event }
            let layout = try StoredLayout.decode(text)
            var event = event
            event.categories = layout.priceCategories
            event.seatMap = layout.seatMap
            event.firstSeatID = SeatID(rawValue: first)
            event.layoutVersion = version
            return event
        }
        return event
    }
}

extension PostgresBookingStore {
    public func editSeatMap(_ id: EventID, _ edit: SeatMapEdit) async throws -> Event {
        try await Deadline.run(within: timeout) { [self] in
            do {
                return try await client.withTransaction(logger: logger) { connection in
                    try await SeatMapEditApplier.apply(edit, to: id, in: PostgresSeatMapEditTransaction(connection: connection, logger: logger, store: self))
                }
            } catch let error as PostgresTransactionError {
                // A refusal rolled the transaction back: it is the refusal the caller hears, not the rollback.
                throw error.closureError ?? error
            }
        }
    }
}
