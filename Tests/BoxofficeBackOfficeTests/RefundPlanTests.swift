import BoxofficeDomain
import BoxofficeTickets
import Foundation
import Testing

@testable import BoxofficeBackOffice

/// What a refund takes, decided without a database: which tickets, their price, the seats they free, and when the
/// booking ends refunded.
@Suite("Refund plans")
struct RefundPlanTests {
    static let now = Date(timeIntervalSince1970: 1_800_000_000)

    /// Rows A-B × seats 1-5 (ids 101…110), row A "Premium, front" at 50.00, row B at 20.00, and a standing pool (id 7) at 15.00.
    static func event() throws -> Event {
        let details = EventDetails(
            title: "Gig", description: "", venue: "Hall", startsAt: now.addingTimeInterval(86_400), salesStart: now.addingTimeInterval(-3_600),
            salesEnd: now.addingTimeInterval(3_600), holdTTLSeconds: 600, maxTicketsPerBooking: 6, currency: Currency("EUR")!
        )
        let draft = try EventDraft(
            details: details,
            categories: [PriceCategory(key: "p", name: "Premium, front", priceMinor: 5_000), PriceCategory(key: "s", name: "Standard", priceMinor: 2_000)],
            seatMap: SeatMapSpec(sections: [.init(name: "Dress Circle", rows: [
                .block(rows: "A", seats: "1-5", category: "p"), .block(rows: "B", seats: "1-5", category: "s"),
            ])]),
            gaPools: [EventDraft.Pool(name: "Standing", priceMinor: 1_500, capacity: 5)]
        )
        return Event(
            id: EventID(rawValue: 1), details: draft.details, categories: draft.categories, seatMap: draft.seatMap, firstSeatID: SeatID(rawValue: 101),
            gaPools: [GAPool(id: PoolID(rawValue: 7), name: "Standing", priceMinor: 1_500, capacity: 5)]
        )
    }

    /// Seats B2 (107) and A1 (101), and two standing tickets: 20 + 50 + 15 + 15 = 100.00.
    static func booking(_ status: BookingStatus = .confirmed) -> Booking {
        Booking(
            id: BookingID(rawValue: UUID()), eventID: EventID(rawValue: 1), status: status, seatIDs: [SeatID(rawValue: 107), SeatID(rawValue: 101)],
            tickets: [TicketQuantity(poolID: PoolID(rawValue: 7), quantity: 2)], amountMinor: 10_000, currency: Currency("EUR")!, userIdentifier: "ada",
            expiresAt: now, createdAt: now
        )
    }

    static func order(_ booking: Booking, _ ordinals: [Int]?, releases: Bool = true) -> RefundOrder {
        RefundOrder(bookingID: booking.id, ordinals: ordinals, releasesSeats: releases, cause: .organizer, requestedBy: "org")
    }

    @Test("some tickets: their prices, their seats and places, in ticket order; the booking stays confirmed")
    func someTickets() throws {
        let booking = Self.booking()
        let plan = try RefundPlan.make(Self.order(booking, [4, 2, 2]), booking: booking, event: try Self.event(), alreadyRefunded: [], id: UUID(), at: Self.now)
        #expect(plan.refund.ordinals == [2, 4] && plan.refund.amountMinor == 6_500)
        #expect(plan.seats == [SeatID(rawValue: 101)] && plan.places == [TicketQuantity(poolID: PoolID(rawValue: 7), quantity: 1)])
        #expect(!plan.completesBooking && plan.customer == "ada")
        #expect(plan.historyEntry.detail == "2 tickets, 65.00 EUR, by the organizer; back on sale")
    }

    @Test("the rest after an earlier refund completes the booking")
    func theRest() throws {
        let booking = Self.booking()
        let plan = try RefundPlan.make(Self.order(booking, nil, releases: false), booking: booking, event: try Self.event(), alreadyRefunded: [1, 3], id: UUID(), at: Self.now)
        #expect(plan.refund.ordinals == [2, 4] && plan.completesBooking && !plan.refund.releasesSeats)
    }

    @Test("refusals: not confirmed, no such ticket, refunded before, nothing named, nothing left")
    func refusals() throws {
        let event = try Self.event()
        let held = Self.booking(.held)
        #expect(throws: RefundError.notRefundable(held.id, .held)) { try RefundPlan.make(Self.order(held, nil), booking: held, event: event, alreadyRefunded: [], id: UUID(), at: Self.now) }
        let booking = Self.booking()
        #expect(throws: RefundError.noSuchTicket(booking.id, 5)) { try RefundPlan.make(Self.order(booking, [1, 5]), booking: booking, event: event, alreadyRefunded: [], id: UUID(), at: Self.now) }
        #expect(throws: RefundError.noSuchTicket(booking.id, 0)) { try RefundPlan.make(Self.order(booking, [0]), booking: booking, event: event, alreadyRefunded: [], id: UUID(), at: Self.now) }
        #expect(throws: RefundError.alreadyRefunded(booking.id, [3])) { try RefundPlan.make(Self.order(booking, [2, 3]), booking: booking, event: event, alreadyRefunded: [3], id: UUID(), at: Self.now) }
        #expect(throws: RefundError.nothingToRefund(booking.id)) { try RefundPlan.make(Self.order(booking, []), booking: booking, event: event, alreadyRefunded: [], id: UUID(), at: Self.now) }
        #expect(throws: RefundError.alreadyRefunded(booking.id, [1, 2, 3, 4])) {
            try RefundPlan.make(Self.order(booking, nil), booking: booking, event: event, alreadyRefunded: [1, 2, 3, 4], id: UUID(), at: Self.now)
        }
    }

    @Test("a seat label finds its seat in either spelling, ignoring case; anything else finds none")
    func seatLabels() throws {
        let event = try Self.event()
        #expect(event.seat(labelled: "Dress Circle B 2") == SeatID(rawValue: 107))
        #expect(event.seat(labelled: "dress circle row a seat 1") == SeatID(rawValue: 101))
        #expect(event.seat(labelled: "Dress Circle C 1") == nil && event.seat(labelled: "Dress Circle A 9") == nil && event.seat(labelled: "A 1") == nil)
        var filter = OrderFilter()
        OrderSearch.narrow(&filter, by: "Dress Circle B 2", in: event)
        #expect(filter.seat == SeatID(rawValue: 107))
        filter = OrderFilter()
        OrderSearch.narrow(&filter, by: "3f2a9c", in: event)
        #expect(filter.bookingIDPrefix == "3f2a9c")
        filter = OrderFilter()
        OrderSearch.narrow(&filter, by: " Ada@Example ", in: event)
        #expect(filter.customerContains == "ada@example")
    }

    @Test("the export: a byte order mark and a header, one CRLF line per ticket, RFC 4180 quoting, no formulas")
    func export() throws {
        #expect(TicketExport.head.hasPrefix("\u{FEFF}booking,ticket,customer_email,"))
        #expect(TicketExport.field("Premium, front") == "\"Premium, front\"" && TicketExport.field("say \"hi\"") == "\"say \"\"hi\"\"\"")
        #expect(TicketExport.field("=HYPERLINK(\"x\")") == "\"'=HYPERLINK(\"\"x\"\")\"" && TicketExport.field("-12.50") == "-12.50" && TicketExport.field("@evil") == "'@evil")
        let booking = Self.booking()
        let text = TicketExport.lines(
            of: OrderLine(booking: booking, email: "ada@example.test"), in: try Self.event(), refunded: [TicketID(booking: booking.id, ordinal: 3)], checkins: [:]
        )
        let lines = text.components(separatedBy: "\r\n").dropLast()
        #expect(lines.count == 4 && text.hasSuffix("\r\n"))
        #expect(lines[1].hasPrefix("\(booking.id),\(booking.id).2,ada@example.test,ada,Dress Circle row A seat 1,Dress Circle,A,1,\"Premium, front\",50.00,EUR,valid,,"))
        #expect(lines[2].contains(",Standing,,,,Standing,15.00,EUR,refunded,"))
    }

    @Test("a chart's window: a minute a step for an on-sale, an hour for two weeks, a day beyond; steps of whole minutes, at most 5,000")
    func windows() throws {
        let start = Self.now
        #expect(try StatsWindow(from: start, to: start.addingTimeInterval(3 * 3_600), stepSeconds: nil).stepSeconds == 60)
        #expect(try StatsWindow(from: start, to: start.addingTimeInterval(7 * 86_400), stepSeconds: nil).stepSeconds == 3_600)
        #expect(try StatsWindow(from: start, to: start.addingTimeInterval(90 * 86_400), stepSeconds: nil).stepSeconds == 86_400)
        let window = try StatsWindow(from: start, to: start.addingTimeInterval(150), stepSeconds: 60)
        #expect(window.count == 3 && window.bucket(of: start.addingTimeInterval(61)) == 1 && window.bucket(of: start.addingTimeInterval(150)) == nil)
        #expect(throws: DomainError.self) { try StatsWindow(from: start, to: start, stepSeconds: nil) }
        #expect(throws: DomainError.self) { try StatsWindow(from: start, to: start.addingTimeInterval(3_600), stepSeconds: 90) }
        #expect(throws: DomainError.self) { try StatsWindow(from: start, to: start.addingTimeInterval(400 * 86_400), stepSeconds: 60) }
    }

    @Test("sales per bucket and per category follow the tickets of the bookings confirmed in each")
    func salesStats() throws {
        let event = try Self.event()
        let window = try StatsWindow(from: Self.now, to: Self.now.addingTimeInterval(180), stepSeconds: 60)
        let facts = SalesFacts(
            confirmed: [(Self.now.addingTimeInterval(70), Self.booking()), (Self.now.addingTimeInterval(999), Self.booking())],
            holds: [0: 3], conflicts: [2: 5], checkins: [1: 1], refunded: [2: 1_500]
        )
        let stats = SalesStats(facts, event: event, window: window)
        #expect(stats.buckets.map(\.sold) == [0, 4, 0] && stats.buckets[1].revenueMinor == 10_000, "the second booking is outside the window")
        #expect(stats.buckets.map(\.holds) == [3, 0, 0] && stats.buckets.map(\.conflicts) == [0, 0, 5] && stats.buckets[2].refundedMinor == 1_500)
        #expect(stats.byCategory.map { "\($0.name) \($0.sold) \($0.revenueMinor)" } == ["Premium, front 1 5000", "Standard 1 2000", "Standing 2 3000"])
    }
}
