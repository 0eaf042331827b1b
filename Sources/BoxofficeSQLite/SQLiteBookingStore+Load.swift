import BoxofficeDomain
import BoxofficeStorage
import Foundation
import SQLiteNIO

extension SQLiteBookingStore {
    public func loadInventories() async throws -> [EventInventory] {
        _ = try await database.write { connection in try await connection.query(BatchApplier.orphanClaimsCleanup) }
        var inventories: [EventInventory] = []
        for row in try await database.read("SELECT * FROM events ORDER BY id") {
            inventories.append(try await inventory(of: try await event(from: row)))
        }
        return inventories
    }

    public func loadInventory(of event: Event) async throws -> EventInventory {
        // Its details, seat map and prices as they are now (an organizer may have changed them).
        var event = event
        if let row = try await database.read("SELECT * FROM events WHERE id = ?", [ColumnCoding.int(event.id.rawValue)]).first {
            event.details = Self.details(from: row)
            event = try Self.currentLayout(of: event, row: row)
            var pools: [PoolID: Int64] = [:]
            for pool in try await database.read("SELECT id, price_minor FROM ga_pools WHERE event_id = ?", [ColumnCoding.int(event.id.rawValue)]) {
                pools[PoolID(rawValue: Int64(pool.column("id")?.integer ?? 0))] = Int64(pool.column("price_minor")?.integer ?? 0)
            }
            event = StoredPrices.apply(row.column("category_prices")?.string, pools: pools, to: event)
        }
        return try await inventory(of: event)
    }

    public func loadInventory(of id: EventID) async throws -> EventInventory? {
        guard let row = try await database.read("SELECT * FROM events WHERE id = ?", [ColumnCoding.int(id.rawValue)]).first else { return nil }
        return try await inventory(of: try await event(from: row))
    }

    private func inventory(of event: Event) async throws -> EventInventory {
        let eventBind = ColumnCoding.int(event.id.rawValue)
        var seats = [SeatStatus](repeating: .available, count: event.seatMap.seatCount)
        let first = event.firstSeatID.rawValue
        let range = [ColumnCoding.int(first), ColumnCoding.int(first + Int64(seats.count))]
        for row in try await database.read("SELECT seat_id, status FROM seat_claims WHERE seat_id >= ? AND seat_id < ?", range) {
            guard let seat = row.column("seat_id")?.integer, let index = event.seatIndex(of: SeatID(rawValue: Int64(seat))) else { continue }
            seats[index] = row.column("status")?.string == "sold" ? .sold : .held
        }
        var pools: [PoolID: PoolCounts] = [:]
        for row in try await database.read("SELECT id, capacity, held, sold FROM ga_pools WHERE event_id = ?", [eventBind]) {
            let id = PoolID(rawValue: Int64(row.column("id")?.integer ?? 0))
            pools[id] = PoolCounts(
                capacity: Int(row.column("capacity")?.integer ?? 0),
                held: Int(row.column("held")?.integer ?? 0),
                sold: Int(row.column("sold")?.integer ?? 0)
            )
        }
        var holds: [ActiveHold] = []
        var pending: [ActiveHold] = []
        for row in try await database.read(
            "SELECT id, status, user_identifier, seat_ids, tickets, expires_at FROM bookings WHERE event_id = ? AND status IN ('held', 'payment_pending')", [eventBind]
        ) {
            guard let id = row.column("id")?.string.flatMap(BookingID.init) else { continue }
            let hold = ActiveHold(
                bookingID: id,
                customer: row.column("user_identifier")?.string ?? "",
                seatIndexes: ColumnCoding.seats(row.column("seat_ids")).compactMap(event.seatIndex(of:)),
                tickets: ColumnCoding.tickets(row.column("tickets")),
                expiresAt: ColumnCoding.date(row.column("expires_at"))
            )
            if row.column("status")?.string == "held" { holds.append(hold) } else { pending.append(hold) }
        }
        var holdings: [String: Int] = [:]
        if event.details.maxTicketsPerCustomer != nil {
            for row in try await database.read("SELECT customer, tickets FROM customer_holdings WHERE event_id = ? AND tickets > 0", [eventBind]) {
                guard let customer = row.column("customer")?.string, let tickets = row.column("tickets")?.integer else { continue }
                holdings[customer] = tickets
            }
        }
        var paid: [String: Int] = [:]
        if event.details.queued {
            for row in try await database.read(
                "SELECT user_identifier, COUNT(*) AS n FROM bookings WHERE event_id = ? AND status = 'confirmed' GROUP BY user_identifier", [eventBind]
            ) {
                if let customer = row.column("user_identifier")?.string { paid[customer] = row.column("n")?.integer ?? 1 }
            }
        }
        return EventInventory(event: event, seats: seats, pools: pools, holds: holds, pending: pending, holdings: holdings, paidCustomers: paid)
    }

    private func event(from row: SQLiteRow) async throws -> Event {
        try Self.event(from: row, pools: try await database.read(Self.poolsQuery, [ColumnCoding.int(Int64(row.column("id")?.integer ?? 0))]))
    }

    /// `event` with the seat map, first seat id and layout version its row stores, when its layout version moved.
    static func currentLayout(of event: Event, row: SQLiteRow) throws -> Event {
        let version = row.column("layout_version")?.integer ?? 0
        guard version != event.layoutVersion else { return event }
        let layout = try StoredLayout.decode(row.column("layout")?.string ?? "")
        var event = event
        event.categories = layout.priceCategories
        event.seatMap = layout.seatMap
        event.firstSeatID = SeatID(rawValue: Int64(row.column("first_seat_id")?.integer ?? 1))
        event.layoutVersion = version
        return event
    }

    /// An event's pools, by id; its one parameter is the event's id.
    static let poolsQuery = "SELECT id, name, price_minor, capacity FROM ga_pools WHERE event_id = ? ORDER BY id"

    /// An event from its row and its pools' rows (``poolsQuery``).
    static func event(from row: SQLiteRow, pools: [SQLiteRow]) throws -> Event {
        let layout = try StoredLayout.decode(row.column("layout")?.string ?? "")
        return Event(
            id: EventID(rawValue: Int64(row.column("id")?.integer ?? 0)), details: details(from: row),
            categories: StoredPrices.apply(row.column("category_prices")?.string, to: layout.priceCategories), seatMap: layout.seatMap,
            firstSeatID: SeatID(rawValue: Int64(row.column("first_seat_id")?.integer ?? 1)),
            gaPools: pools.map { pool in
                GAPool(
                    id: PoolID(rawValue: Int64(pool.column("id")?.integer ?? 0)),
                    name: pool.column("name")?.string ?? "",
                    priceMinor: Int64(pool.column("price_minor")?.integer ?? 0),
                    capacity: Int(pool.column("capacity")?.integer ?? 0)
                )
            },
            layoutVersion: row.column("layout_version")?.integer ?? 0
        )
    }

    /// An event's details from its row.
    static func details(from row: SQLiteRow) -> EventDetails {
        EventDetails(
            title: row.column("title")?.string ?? "",
            description: row.column("description")?.string ?? "",
            venue: row.column("venue")?.string ?? "",
            startsAt: ColumnCoding.date(row.column("starts_at")),
            salesStart: ColumnCoding.date(row.column("sales_start")),
            salesEnd: ColumnCoding.date(row.column("sales_end")),
            holdTTLSeconds: Int(row.column("hold_ttl_seconds")?.integer ?? 1),
            maxTicketsPerBooking: Int(row.column("max_tickets")?.integer ?? 1),
            maxTicketsPerCustomer: row.column("max_tickets_per_customer")?.integer,
            heldPerAddress: row.column("held_per_address")?.integer,
            currency: Currency(row.column("currency")?.string ?? "") ?? Currency("EUR")!,
            orphanRule: OrphanRule(rawValue: row.column("orphan_rule")?.string ?? "") ?? .avoid,
            queued: row.column("queued")?.integer == 1,
            cancellationCutoff: row.column("cancellation_cutoff").flatMap { $0.isNull ? nil : ColumnCoding.date($0) },
            status: EventStatus(rawValue: row.column("status")?.string ?? "") ?? .published
        )
    }
}
