import BoxofficeBackOffice
import BoxofficeDomain
import BoxofficeEngine
import BoxofficeTickets
import Foundation
import Hummingbird
import NIOCore

extension BackOfficeController {
    /// How many bookings each read of the export takes: what the export holds in memory at once, whatever the event's size.
    static let exportPage = 500

    /// `GET /api/events/{id}/export.csv`: every ticket of the event's paid bookings, oldest booking first, streamed page
    /// by page so that memory stays the same for a hall or a stadium.
    func export(_ request: Request, context: BoxofficeRequestContext) async throws -> Response {
        _ = try context.requireOrganizer()
        let event = try pathEvent(context)
        let (store, ticketStore) = (backOffice.store, tickets?.store)
        let body = ResponseBody { writer in
            try await writer.write(ByteBuffer(string: TicketExport.head))
            var cursor: OrderCursor?
            let filter = OrderFilter(eventID: event.id, statuses: TicketExport.statuses)
            while true {
                let page = try await store.orders(filter, after: cursor, limit: Self.exportPage, newestFirst: false)
                guard let last = page.last else { break }
                let ids = page.flatMap { Ticket.tickets(of: $0.booking, in: event).map(\.id) }
                let states = try await ticketStore?.ticketStates(ids)
                var chunk = ""
                for line in page {
                    chunk += TicketExport.lines(of: line, in: event, refunded: states?.refunded ?? [], checkins: states?.checkins ?? [:])
                }
                try await writer.write(ByteBuffer(string: chunk))
                guard page.count == Self.exportPage else { break }
                cursor = OrderCursor(after: last.booking.id)
            }
            try await writer.finish(nil)
        }
        return Response(
            status: .ok,
            headers: [
                .contentType: "text/csv; charset=utf-8", .contentDisposition: "attachment; filename=\"event-\(event.id)-tickets.csv\"",
                .cacheControl: "private, no-store",
            ],
            body: body
        )
    }
}
