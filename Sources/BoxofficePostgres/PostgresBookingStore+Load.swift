import BoxofficeDomain
import BoxofficeStorage
import Foundation
import PostgresNIO

extension PostgresBookingStore {
    public func loadInventories() async throws -> [EventInventory] {
        try await Deadline.run(within: .seconds(60)) { [self] in
            try await client.query(PostgresQuery(unsafeSQL: BatchApplier.orphanClaimsCleanup), logger: logger)
            return try await snapshot { connection in
                var inventories: [EventInventory] = []
                for event in try await events(where: nil, on: connection) { inventories.append(try await inventory(of: event, on: connection)) }
                return inventories
            }
        }
    }

    public func loadInventory(of event: Event) async throws -> EventInventory {
        try await Deadline.run(within: timeout) { [self] in
            try await snapshot { connection in
                var event = event
                event.details = try await details(of: event.id, on: connection) ?? event.details
                event = try await PostgresLayoutRows.current(of: event, on: connection, logger: logger)
                event = try await PostgresPriceRows.stored(of: event, on: connection, logger: logger)
                return try await inventory(of: event, on: connection)
            }
        }
    }

    /// An event's details as they are now (an organizer may have changed them).
    private func details(of id: EventID, on connection: PostgresConnection) async throws -> EventDetails? {
        for try await row in try await connection.query(
            """
            SELECT title, description, venue, starts_at, sales_start, sales_end, hold_ttl_seconds, max_tickets, currency,
                max_tickets_per_customer, held_per_address, orphan_rule, queued, cancellation_cutoff, status FROM events WHERE id = \(id.rawValue)
            """,
            logger: logger
        ).decode((String, String, String, Date, Date, Date, Int, Int, String, Int?, Int?, String, Bool, Date?, String).self) {
            return EventDetails(
                title: row.0, description: row.1, venue: row.2, startsAt: row.3, salesStart: row.4, salesEnd: row.5,
                holdTTLSeconds: row.6, maxTicketsPerBooking: row.7, maxTicketsPerCustomer: row.9, heldPerAddress: row.10,
                currency: Currency(row.8) ?? Currency("EUR")!, orphanRule: OrphanRule(rawValue: row.11) ?? .avoid, queued: row.12,
                cancellationCutoff: row.13, status: EventStatus(rawValue: row.14) ?? .published
            )
        }
        return nil
    }

    public func loadInventory(of id: EventID) async throws -> EventInventory? {
        try await Deadline.run(within: timeout) { [self] in
            try await snapshot { connection in
                guard let event = try await events(where: id, on: connection).first else { return nil }
                return try await inventory(of: event, on: connection)
            }
        }
    }

    /// Runs reads on one connection in one `REPEATABLE READ` snapshot: an event's claims, pools and bookings are
    /// read as one committed state, never a claim from before a batch with its booking from after it.
    private func snapshot<Value: Sendable>(_ body: (PostgresConnection) async throws -> Value) async throws -> Value {
        try await client.withConnection { connection in
            try await connection.query("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY", logger: logger)
            do {
                let value = try await body(connection)
                try await connection.query("COMMIT", logger: logger)
                return value
            } catch {
                _ = try? await connection.query("ROLLBACK", logger: logger)
                throw error
            }
        }
    }

    private func inventory(of event: Event, on connection: PostgresConnection) async throws -> EventInventory {
        let id = event.id.rawValue
        let first = event.firstSeatID.rawValue
        var seats = [SeatStatus](repeating: .available, count: event.seatMap.seatCount)
        for try await (seat, status) in try await connection.query(
            "SELECT seat_id, status FROM seat_claims WHERE seat_id >= \(first) AND seat_id < \(first + Int64(seats.count))", logger: logger
        ).decode((Int64, String).self) {
            if let index = event.seatIndex(of: SeatID(rawValue: seat)) { seats[index] = status == "sold" ? .sold : .held }
        }
        var pools: [PoolID: PoolCounts] = [:]
        for try await (pool, capacity, held, sold) in try await connection.query(
            "SELECT id, capacity, held, sold FROM ga_pools WHERE event_id = \(id)", logger: logger
        ).decode((Int64, Int, Int, Int).self) {
            pools[PoolID(rawValue: pool)] = PoolCounts(capacity: capacity, held: held, sold: sold)
        }
        var holds: [ActiveHold] = []
        var pending: [ActiveHold] = []
        for try await (booking, status, customer, seatText, ticketText, expiresAt) in try await connection.query(
            "SELECT id, status, user_identifier, seat_ids, tickets, expires_at FROM bookings WHERE event_id = \(id) AND status IN ('held', 'payment_pending')",
            logger: logger
        ).decode((UUID, String, String, String, String, Date).self) {
            let hold = ActiveHold(
                bookingID: BookingID(rawValue: booking), customer: customer,
                seatIndexes: BookingText.seats(seatText).compactMap(event.seatIndex(of:)),
                tickets: BookingText.tickets(ticketText), expiresAt: expiresAt
            )
            if status == "held" { holds.append(hold) } else { pending.append(hold) }
        }
        var holdings: [String: Int] = [:]
        if event.details.maxTicketsPerCustomer != nil {
            for try await (customer, tickets) in try await connection.query(
                "SELECT customer, tickets FROM customer_holdings WHERE event_id = \(id) AND tickets > 0", logger: logger
            ).decode((String, Int).self) {
                holdings[customer] = tickets
            }
        }
        var paid: [String: Int] = [:]
        if event.details.queued {
            for try await (customer, count) in try await connection.query(
                "SELECT user_identifier, COUNT(*) FROM bookings WHERE event_id = \(id) AND status = 'confirmed' GROUP BY user_identifier", logger: logger
            ).decode((String, Int).self) {
                paid[customer] = count
            }
        }
        return EventInventory(event: event, seats: seats, pools: pools, holds: holds, pending: pending, holdings: holdings, paidCustomers: paid)
    }

    func events(where id: EventID?, on connection: PostgresConnection) async throws -> [Event] {
        let query: PostgresQuery = id.map {
            """
            SELECT id, title, description, venue, starts_at, sales_start, sales_end, hold_ttl_seconds, max_tickets, currency,
                first_seat_id, layout, max_tickets_per_customer, held_per_address, orphan_rule, queued, cancellation_cutoff, status, category_prices, layout_version FROM events WHERE id = \($0.rawValue)
            """
        } ?? """
            SELECT id, title, description, venue, starts_at, sales_start, sales_end, hold_ttl_seconds, max_tickets, currency,
                first_seat_id, layout, max_tickets_per_customer, held_per_address, orphan_rule, queued, cancellation_cutoff, status, category_prices, layout_version FROM events ORDER BY id
            """
        var rows: [(Int64, String, String, String, Date, Date, Date, Int, Int, String, Int64, String, Int?, Int?, String, Bool, Date?, String, String?, Int)] = []
        for try await row in try await connection.query(query, logger: logger)
            .decode((Int64, String, String, String, Date, Date, Date, Int, Int, String, Int64, String, Int?, Int?, String, Bool, Date?, String, String?, Int).self) {
            rows.append(row)
        }
        var events: [Event] = []
        for row in rows {
            let layout = try StoredLayout.decode(row.11)
            var pools: [GAPool] = []
            for try await (pool, name, price, capacity) in try await connection.query(
                "SELECT id, name, price_minor, capacity FROM ga_pools WHERE event_id = \(row.0) ORDER BY id", logger: logger
            ).decode((Int64, String, Int64, Int).self) {
                pools.append(GAPool(id: PoolID(rawValue: pool), name: name, priceMinor: price, capacity: capacity))
            }
            let details = EventDetails(
                title: row.1, description: row.2, venue: row.3, startsAt: row.4, salesStart: row.5, salesEnd: row.6,
                holdTTLSeconds: row.7, maxTicketsPerBooking: row.8, maxTicketsPerCustomer: row.12, heldPerAddress: row.13,
                currency: Currency(row.9) ?? Currency("EUR")!, orphanRule: OrphanRule(rawValue: row.14) ?? .avoid, queued: row.15,
                cancellationCutoff: row.16, status: EventStatus(rawValue: row.17) ?? .published
            )
            events.append(Event(
                id: EventID(rawValue: row.0), details: details, categories: StoredPrices.apply(row.18, to: layout.priceCategories), seatMap: layout.seatMap,
                firstSeatID: SeatID(rawValue: row.10), gaPools: pools, layoutVersion: row.19
            ))
        }
        return events
    }
}
