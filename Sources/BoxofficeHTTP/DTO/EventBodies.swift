import BoxofficeDomain
import BoxofficeEngine
import Foundation
import Hummingbird

/// A price category as the API shows it.
struct CategoryBody: Encodable {
    let id: String
    let name: String
    let priceMinor: Int64

    init(_ category: PriceCategory) {
        id = category.key
        name = category.name
        priceMinor = category.priceMinor
    }
}

/// A GA pool with its live availability.
struct PoolBody: Encodable {
    let id: Int64
    let name: String
    let priceMinor: Int64
    let capacity: Int
    let available: Int

    init(_ pool: GAPool, counts: PoolCounts?) {
        id = pool.id.rawValue
        name = pool.name
        priceMinor = pool.priceMinor
        capacity = pool.capacity
        available = counts?.available ?? pool.capacity
    }
}

/// One line of `GET /api/events`.
struct EventSummaryBody: ResponseEncodable {
    let id: Int64
    let title: String
    let venue: String
    let startsAt: Date
    let seatsTotal: Int
    let seatsAvailable: Int
    let gaAvailable: Int
    /// `draft`, `published` (sales not open yet), `on_sale`, `ended` or `cancelled`.
    let phase: String

    init(_ snapshot: InventorySnapshot, now: Date) {
        let event = snapshot.event
        id = event.id.rawValue
        title = event.details.title
        venue = event.details.venue
        startsAt = event.details.startsAt
        phase = event.details.phase(at: now).rawValue
        seatsTotal = event.seatMap.seatCount
        seatsAvailable = snapshot.availableSeats
        gaAvailable = snapshot.pools.values.reduce(0) { $0 + $1.available }
    }
}

/// `GET /api/events/{id}` and the answer to `POST /api/events`.
struct EventBody: ResponseEncodable {
    struct SectionSummary: Encodable {
        let name: String
        let rows: Int
        let seats: Int
    }

    let id: Int64
    let title: String
    let description: String
    let venue: String
    let startsAt: Date
    let salesStart: Date
    let salesEnd: Date
    let holdTtlSeconds: Int
    let maxTicketsPerBooking: Int
    /// Null: no cap.
    let maxTicketsPerCustomer: Int?
    /// What the holds from one address may hold at once; null: no cap.
    let heldPerAddress: Int?
    let currency: String
    /// What best available and picks do about seats left alone.
    let orphanRule: String
    /// Whether the event sells behind a waiting room (`/api/events/{id}/queue`): holds need a pass.
    let waitingRoom: Bool
    /// Until when customers may cancel their own paid bookings; null: they may not.
    let cancellationCutoff: Date?
    /// `draft`, `published` or `cancelled`, as the organizer decided.
    let status: String
    /// `draft`, `published` (sales not open yet), `on_sale`, `ended` or `cancelled`.
    let phase: String
    let categories: [CategoryBody]
    let sections: [SectionSummary]
    let gaPools: [PoolBody]
    let firstSeatId: Int64
    let seatsTotal: Int
    let seatsAvailable: Int

    /// The event as `snapshot` has it, with `details` in place of its facts when given (just edited, not read again yet).
    init(_ snapshot: InventorySnapshot, details edited: EventDetails? = nil, now: Date) {
        let event = snapshot.event
        let details = edited ?? event.details
        id = event.id.rawValue
        title = details.title
        description = details.description
        venue = details.venue
        startsAt = details.startsAt
        salesStart = details.salesStart
        salesEnd = details.salesEnd
        holdTtlSeconds = details.holdTTLSeconds
        maxTicketsPerBooking = details.maxTicketsPerBooking
        maxTicketsPerCustomer = details.maxTicketsPerCustomer
        heldPerAddress = details.addressCap
        currency = details.currency.code
        orphanRule = details.orphanRule.rawValue
        waitingRoom = details.queued
        cancellationCutoff = details.cancellationCutoff
        status = details.status.rawValue
        phase = details.phase(at: now).rawValue
        categories = event.categories.map(CategoryBody.init)
        sections = event.seatMap.sections.map { section in
            SectionSummary(name: section.name, rows: section.rows.count, seats: section.rows.reduce(0) { $0 + $1.numbers.count })
        }
        gaPools = event.gaPools.map { PoolBody($0, counts: snapshot.pools[$0.id]) }
        firstSeatId = event.firstSeatID.rawValue
        seatsTotal = event.seatMap.seatCount
        seatsAvailable = snapshot.availableSeats
    }
}
