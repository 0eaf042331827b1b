import BoxofficeDomain
import Foundation

/// `POST /api/events`: everything an organizer says about a new event.
struct CreateEventRequest: Decodable {
    struct Category: Decodable {
        let id: String
        let name: String?
        let priceMinor: Int64
    }

    struct SeatMap: Decodable {
        let sections: [Section]
    }

    struct Section: Decodable {
        let name: String
        let rows: [Row]
        let rank: Int?

        /// The section as the domain describes it.
        var spec: SeatMapSpec.Section { SeatMapSpec.Section(name: name, rows: rows.map(\.spec), rank: rank) }
    }

    struct Seat: Decodable {
        let number: Int
        let category: String
    }

    /// A row listed seat by seat (`label` + `seats`), or a block of equal rows (`rows` + `seats` + `category`).
    struct Row: Decodable {
        let spec: SeatMapSpec.RowSpec

        private enum Keys: String, CodingKey { case label, seats, rows, category, rank, accessible }

        init(from decoder: any Decoder) throws {
            let container = try decoder.container(keyedBy: Keys.self)
            let options = SeatMapSpec.RowOptions(
                rank: try container.decodeIfPresent(Int.self, forKey: .rank), accessible: try container.decodeIfPresent(String.self, forKey: .accessible)
            )
            if container.contains(.label) {
                let seats = try container.decode([Seat].self, forKey: .seats)
                spec = .row(label: try container.decode(String.self, forKey: .label), seats: seats.map {
                    SeatMapSpec.Seat(number: $0.number, category: $0.category)
                }, options: options)
            } else {
                spec = .block(
                    rows: try container.decode(String.self, forKey: .rows),
                    seats: try container.decode(String.self, forKey: .seats),
                    category: try container.decode(String.self, forKey: .category),
                    options: options
                )
            }
        }
    }

    struct Pool: Decodable {
        let name: String
        let priceMinor: Int64
        let capacity: Int
    }

    let title: String
    let description: String?
    let venue: String
    let startsAt: Date
    let salesStart: Date?
    let salesEnd: Date?
    let holdTtlSeconds: Int?
    let maxTicketsPerBooking: Int?
    /// Absent: ``defaultCustomerCap``; null: no cap.
    let maxTicketsPerCustomer: Setting<Int>
    /// Absent or null: ten times the customer cap.
    let heldPerAddress: Int?
    let currency: String?
    /// Absent: ``OrphanRule/avoid``.
    let orphanRule: String?
    /// Until when customers may cancel their own paid bookings; absent or null: they may not.
    let cancellationCutoff: Date?
    /// `published` (the default: customers see it at once) or `draft` (organizers only, until published).
    let status: String?
    /// A waiting room to sell behind, from its defaults; absent: none.
    let queue: QueueSettingsRequest?
    let categories: [Category]?
    let seatMap: SeatMap?
    let gaPools: [Pool]?

    /// The default hold time: ten minutes.
    static let defaultHoldTTLSeconds = 600
    /// What one customer may hold or own of an event unless the organizer says otherwise.
    static let defaultCustomerCap = 10

    /// The status the event starts in: published unless the organizer asks for a draft.
    private func startingStatus() throws(DomainError) -> EventStatus {
        switch status ?? EventStatus.published.rawValue {
        case EventStatus.published.rawValue: .published
        case EventStatus.draft.rawValue: .draft
        case let other: throw .invalid("status must be draft or published when an event is made, not \(other).")
        }
    }

    /// Checks the request and turns it into a draft; sales open now and close at the start by default.
    func draft(now: Date) throws(DomainError) -> EventDraft {
        guard let currency = Currency(currency ?? "EUR") else {
            throw .invalid("currency must be a three-letter ISO 4217 code such as EUR.")
        }
        guard let orphanRule = OrphanRule(rawValue: orphanRule ?? OrphanRule.avoid.rawValue) else {
            throw .invalid("orphan_rule must be one of \(OrphanRule.allCases.map(\.rawValue).joined(separator: ", ")).")
        }
        let details = EventDetails(
            title: title, description: description ?? "", venue: venue, startsAt: startsAt,
            salesStart: salesStart ?? now, salesEnd: salesEnd ?? startsAt,
            holdTTLSeconds: holdTtlSeconds ?? Self.defaultHoldTTLSeconds, maxTicketsPerBooking: maxTicketsPerBooking ?? 10,
            maxTicketsPerCustomer: maxTicketsPerCustomer.value(default: Self.defaultCustomerCap), heldPerAddress: heldPerAddress,
            currency: currency, orphanRule: orphanRule, cancellationCutoff: cancellationCutoff, status: try startingStatus()
        )
        return try EventDraft(
            details: details,
            categories: (categories ?? []).map { PriceCategory(key: $0.id, name: $0.name ?? "", priceMinor: $0.priceMinor) },
            seatMap: SeatMapSpec(sections: (seatMap?.sections ?? []).map(\.spec)),
            gaPools: (gaPools ?? []).map { EventDraft.Pool(name: $0.name, priceMinor: $0.priceMinor, capacity: $0.capacity) }
        )
    }
}
