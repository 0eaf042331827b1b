import BoxofficeAuth
import BoxofficeBackOffice
import BoxofficeDomain
import BoxofficeEngine
import BoxofficeTickets
import Foundation
import Hummingbird

/// The organizer's back office: orders with search and filters, a booking's history, refunds; and the customer's
/// cancellation of their own paid booking. Orders and refunds are an organizer's; a booking's history and its
/// cancellation are also its owner's (anyone else gets `404`, as for a booking that does not exist).
struct BackOfficeController {
    let engine: BookingEngine
    let backOffice: BackOfficeRoutes
    let tickets: TicketRoutes?
    let now: @Sendable () -> Date

    func addRoutes(to group: RouterGroup<BoxofficeRequestContext>) {
        group.post("bookings/:id/refund", use: refund)
        group.post("bookings/:id/cancel", use: cancel)
        group.get("bookings/:id/history", use: history)
        group.get("events/:id/bookings", use: eventOrders)
        group.get("orders", use: allOrders)
        group.get("events/:id/export.csv", use: export)
        group.post("events/:id/cancel", use: cancelEvent)
        group.get("events/:id/cancel", use: cancellation)
        group.get("events/:id/stats", use: stats)
    }

    /// The most orders one page lists.
    static let largestPage = 200

    private func refund(_ request: Request, context: BoxofficeRequestContext) async throws -> EditedResponse<RefundBody> {
        let organizer = try context.requireOrganizer()
        let id = try bookingID(context)
        let body = try await request.decodeOptionalJSON(RefundRequestBody.self, limit: context.bodyLimit) ?? RefundRequestBody(tickets: nil, seats: nil)
        let order = try body.order(for: id, by: organizer.owner)
        let booking = try await engine.booking(id)
        return try await answer(try await backOffice.refunds.refund(order, event: try event(of: booking), now: now()), booking: booking)
    }

    private func cancel(_ request: Request, context: BoxofficeRequestContext) async throws -> EditedResponse<RefundBody> {
        let principal = try context.requirePrincipal()
        let id = try bookingID(context)
        let booking = try await engine.booking(id)
        // Cancelling spends nothing but ends the owner's booking: the owner's alone (an organizer refunds instead).
        guard booking.userIdentifier == principal.owner else { throw DomainError.bookingNotFound(id) }
        return try await answer(
            try await backOffice.refunds.cancel(booking, by: principal.owner, event: try event(of: booking), now: now()), booking: booking
        )
    }

    /// `201` with a new refund, after telling the customer and reading the event again (seats freed, or the customer's
    /// holdings lower); `200` with the refund an earlier request made.
    private func answer(_ result: (refund: Refund, repeated: Bool), booking: Booking) async throws -> EditedResponse<RefundBody> {
        guard !result.repeated else { return EditedResponse(status: .ok, response: RefundBody(result.refund)) }
        let now = try await engine.booking(booking.id)
        await engine.follow(
            BookingStatusChange(bookingID: now.id, eventID: now.eventID, customer: now.userIdentifier, status: now.status),
            inventoryChanged: true
        )
        return EditedResponse(status: .created, response: RefundBody(result.refund))
    }

    private func history(_ request: Request, context: BoxofficeRequestContext) async throws -> BookingHistoryBody {
        let principal = try context.requirePrincipal()
        let id = try bookingID(context)
        let booking = try await engine.booking(id)
        guard principal.mayAct(for: booking.userIdentifier) else { throw DomainError.bookingNotFound(id) }
        let event = try? event(of: booking)
        // Refunds first: the history read after them has the line of every refund they show credited.
        let refunds = try await backOffice.store.refunds(of: id)
        var lines = [BookingHistoryEntry(bookingID: id, at: booking.createdAt, kind: .held, detail: Self.heldDetail(booking, event: event))]
        lines += try await backOffice.store.history(of: id)
        if let tickets, let event {
            let ids = Ticket.tickets(of: booking, in: event).map(\.id)
            let checkins = try await tickets.store.ticketStates(ids).checkins
            lines += checkins.sorted { $0.key < $1.key }.map { ticket, record in
                BookingHistoryEntry(bookingID: id, at: record.checkedInAt, kind: .checkedIn, detail: "ticket \(ticket.ordinal) at gate \(record.gate)")
            }
        }
        let email = try await self.email(of: booking.userIdentifier)
        return BookingHistoryBody(
            booking: BookingBody(booking, event: event), customerEmail: email,
            history: lines.enumerated().sorted { ($0.element.at, $0.offset) < ($1.element.at, $1.offset) }.map { HistoryLineBody($0.element) },
            refunds: refunds.map(RefundBody.init)
        )
    }

    private func eventOrders(_ request: Request, context: BoxofficeRequestContext) async throws -> OrderPageBody {
        _ = try context.requireOrganizer()
        return try await orders(request, event: try pathEvent(context))
    }

    private func allOrders(_ request: Request, context: BoxofficeRequestContext) async throws -> OrderPageBody {
        _ = try context.requireOrganizer()
        return try await orders(request, event: nil)
    }

    /// A page of orders as the query asks: `q`, `status`, `from`, `to`, `category`, `limit`, `after`. A category is
    /// matched against each booking's tickets, so a page may scan more bookings than it lists.
    private func orders(_ request: Request, event: Event?) async throws -> OrderPageBody {
        let query = try OrderQueryParameters(request.uri.queryParameters, form: FormQuery(request.uri.query), largestPage: Self.largestPage)
        var filter = query.filter
        filter.eventID = event?.id
        if let text = query.text { OrderSearch.narrow(&filter, by: text, in: event) }
        var found: [OrderLine] = []
        var cursor = query.after
        var more = true
        for _ in 0 ..< 20 where more && found.count < query.limit {
            let page = try await backOffice.store.orders(filter, after: cursor, limit: query.limit)
            more = page.count == query.limit
            for line in page where found.count < query.limit {
                cursor = OrderCursor(after: line.booking.id)
                guard let category = query.category else {
                    found.append(line)
                    continue
                }
                if let shown = event ?? (try? engine.engine(for: line.booking.eventID).snapshot.event),
                   OrderSearch.booking(line.booking, of: shown, hasCategory: category) {
                    found.append(line)
                }
            }
            if found.count == query.limit, page.last.map({ OrderCursor(after: $0.booking.id) }) != cursor { more = true }
        }
        if more, found.count == query.limit, query.category == nil {
            // A full page: is there anything after it? (With a category, a later page may still come up empty.)
            more = !(try await backOffice.store.orders(filter, after: cursor, limit: 1)).isEmpty
        }
        return OrderPageBody(
            orders: found.map { OrderBody(booking: BookingBody($0.booking, event: event ?? (try? engine.engine(for: $0.booking.eventID).snapshot.event)), customerEmail: $0.email) },
            next: more ? cursor?.description : nil
        )
    }

    /// Calls an event off: it stops selling at once, and a job every booking instance runs releases its holds and refunds
    /// its paid bookings (`202` while it runs; the same call again answers with the same job).
    private func cancelEvent(_ request: Request, context: BoxofficeRequestContext) async throws -> EditedResponse<CancellationBody> {
        let organizer = try context.requireOrganizer()
        let event = try pathEvent(context)
        // Off sale first: a job is never left running for an event that still sells.
        _ = try await engine.setStatus(of: event.id, to: .cancelled)
        let job = try await backOffice.store.startCancellation(of: event.id, by: organizer.owner, at: now())
        return EditedResponse(status: job.finishedAt == nil ? .accepted : .ok, headers: [.location: "/api/events/\(event.id)/cancel"], response: CancellationBody(job))
    }

    private func cancellation(_ request: Request, context: BoxofficeRequestContext) async throws -> CancellationBody {
        _ = try context.requireOrganizer()
        let event = try pathEvent(context)
        guard let job = try await backOffice.store.cancellation(of: event.id) else {
            throw Problem.notFound("Event \(event.id) was not cancelled.")
        }
        return CancellationBody(job)
    }

    /// The event the path names.
    func pathEvent(_ context: BoxofficeRequestContext) throws -> Event {
        let text = context.parameters.get("id") ?? ""
        guard let id = Int64(text) else { throw Problem.notFound("There is no event with id \(text).") }
        return try engine.engine(for: EventID(rawValue: id)).snapshot.event
    }

    private func event(of booking: Booking) throws -> Event {
        try engine.engine(for: booking.eventID).snapshot.event
    }

    private func email(of customer: String) async throws -> String? {
        guard let tickets, let id = UUID(uuidString: customer) else { return nil }
        return try await tickets.identities.identity(id: id)?.email
    }

    private func bookingID(_ context: BoxofficeRequestContext) throws -> BookingID {
        let text = context.parameters.get("id") ?? ""
        guard let id = BookingID(text) else { throw Problem.notFound("There is no booking with id \(text).") }
        return id
    }

    /// "2 seats (Stalls row C seat 12, …) and 1 GA ticket held for 90.00 EUR".
    static func heldDetail(_ booking: Booking, event: Event?) -> String {
        var parts: [String] = []
        if !booking.seatIDs.isEmpty {
            let labels = booking.seatIDs.prefix(3).compactMap { event?.place(of: $0)?.place.label }
            let more = booking.seatIDs.count > 3 ? ", …" : ""
            parts.append("\(booking.seatIDs.count) seat\(booking.seatIDs.count == 1 ? "" : "s") (\(labels.joined(separator: ", "))\(more))")
        }
        let ga = booking.tickets.reduce(0) { $0 + $1.quantity }
        if ga > 0 { parts.append("\(ga) GA ticket\(ga == 1 ? "" : "s")") }
        return "\(parts.joined(separator: " and ")) held for \(booking.currency.format(booking.amountMinor))"
    }
}
