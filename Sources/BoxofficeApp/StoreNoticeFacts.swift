import BoxofficeBackOffice
import BoxofficeDomain
import BoxofficeEngine
import BoxofficeTickets
import BoxofficeWebhooks
import Foundation

/// The facts of a notice's body, read from the booking database and the engine's events when the notice is sent out.
struct StoreNoticeFacts: NoticeFacts {
    let store: any BookingStore & TicketStore & BackOfficeStore
    let engine: BookingEngine

    func body(of notice: Notice) async throws -> WebhookBody? {
        // An event this instance has not read yet (made elsewhere a moment ago): the notice waits for the next round.
        guard let event = try? engine.engine(for: notice.eventID).snapshot.event else { throw EventNotLoaded(event: notice.eventID) }
        var booking: Booking?
        if let id = notice.bookingID {
            guard let found = try await store.booking(id) else { return nil }
            booking = found
        }
        var body = WebhookBody(notice, event: WebhookBody.EventFacts(event), booking: booking.map { WebhookBody.BookingFacts($0, of: event) })
        switch notice.topic {
        case .bookingRefunded:
            guard let booking, let refund = try await store.refunds(of: booking.id).first(where: { $0.id.uuidString.lowercased() == notice.subject }) else {
                return nil
            }
            body.refund = WebhookBody.RefundFacts(
                id: refund.id, tickets: refund.ordinals, amountMinor: refund.amountMinor, currency: refund.currency.code,
                releasesSeats: refund.releasesSeats, cause: refund.cause.rawValue
            )
        case .checkinAdmitted:
            guard let ticket = TicketID(notice.subject) else { return nil }
            let gate = try await store.ticketStates([ticket]).checkins[ticket]?.gate ?? ""
            body.checkin = WebhookBody.CheckinFacts(ticketId: ticket.description, gate: gate, at: notice.at)
        case .bookingConfirmed, .eventSoldOut, .eventCancelled:
            break
        }
        return body
    }
}

/// A notice's event is not in this instance's engine yet.
struct EventNotLoaded: Error, CustomStringConvertible {
    let event: EventID
    var description: String { "event \(event.rawValue) is not loaded on this instance yet" }
}
