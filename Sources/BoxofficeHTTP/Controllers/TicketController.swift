import BoxofficeAuth
import BoxofficeDomain
import BoxofficeEngine
import BoxofficeQR
import BoxofficeTickets
import Foundation
import Hummingbird
import NIOCore

/// Tickets: a confirmed booking's tickets with their signed secrets and QR codes, a new secret for a ticket, and the
/// public key each event's tickets are checked with. A booking's tickets are its owner's (or an organizer's) to see;
/// anyone else gets `404`, as for a booking that does not exist.
struct TicketController {
    let engine: BookingEngine
    let tickets: TicketRoutes
    let now: @Sendable () -> Date

    func addRoutes(to group: RouterGroup<BoxofficeRequestContext>) {
        group.get("bookings/:id/tickets", use: list)
        group.get("tickets/:id", use: show)
        group.get("tickets/:id/qr.svg", use: svg)
        group.get("tickets/:id/qr.png", use: png)
        group.post("tickets/:id/reissue", use: reissue)
        group.get("events/:id/tickets/key", use: key)
    }

    private func list(_ request: Request, context: BoxofficeRequestContext) async throws -> [TicketBody] {
        let text = context.parameters.get("id") ?? ""
        guard let id = BookingID(text) else { throw Problem.notFound("There is no booking with id \(text).") }
        let (booking, event) = try await owned(id, context)
        let holder = try await holder(of: booking)
        return try await tickets.office.tickets(of: booking, in: event, now: now()).map { TicketBody($0, event: event, holder: holder) }
    }

    private func show(_ request: Request, context: BoxofficeRequestContext) async throws -> TicketBody {
        let (issued, event, holder) = try await ticket(context)
        return TicketBody(issued, event: event, holder: holder)
    }

    private func svg(_ request: Request, context: BoxofficeRequestContext) async throws -> Response {
        let code = try await qrCode(context)
        return Response(status: .ok, headers: Self.imageHeaders("image/svg+xml"), body: .init(byteBuffer: ByteBuffer(string: code.svg())))
    }

    private func png(_ request: Request, context: BoxofficeRequestContext) async throws -> Response {
        let code = try await qrCode(context)
        return Response(status: .ok, headers: Self.imageHeaders("image/png"), body: .init(byteBuffer: ByteBuffer(bytes: code.png())))
    }

    /// A ticket's QR code is as private as its secret: never kept by a shared cache.
    private static func imageHeaders(_ type: String) -> HTTPFields {
        [.contentType: type, .cacheControl: "private, no-store"]
    }

    private func reissue(_ request: Request, context: BoxofficeRequestContext) async throws -> TicketBody {
        let id = try ticketID(context)
        let (booking, event) = try await owned(id.booking, context, ticket: id)
        let issued = try await tickets.office.reissue(id, of: booking, in: event, now: now())
        return TicketBody(issued, event: event, holder: try await holder(of: booking))
    }

    private func key(_ request: Request, context: BoxofficeRequestContext) async throws -> TicketKeyBody {
        let text = context.parameters.get("id") ?? ""
        guard let id = Int64(text), let event = try? engine.engine(for: EventID(rawValue: id)).snapshot.event,
              event.details.isVisibleToCustomers || context.principal?.role == .organizer else {
            throw Problem.notFound("There is no event with id \(text).")
        }
        let key = try await tickets.keyring.publicKeyText(of: event.id, now: now())
        return TicketKeyBody(eventId: event.id.rawValue, algorithm: "Ed25519", publicKey: key, format: Int(TicketSecret.format))
    }

    private func qrCode(_ context: BoxofficeRequestContext) async throws -> QRCode {
        let (issued, _, _) = try await ticket(context)
        guard let secret = issued.secret else { throw TicketError.revoked(issued.ticket.id) }
        return try QRCode(bytes: Array(secret.utf8), errorCorrection: .medium)
    }

    private func ticket(_ context: BoxofficeRequestContext) async throws -> (IssuedTicket, Event, holder: String) {
        let id = try ticketID(context)
        let (booking, event) = try await owned(id.booking, context, ticket: id)
        return (try await tickets.office.ticket(id, of: booking, in: event, now: now()), event, try await holder(of: booking))
    }

    private func ticketID(_ context: BoxofficeRequestContext) throws -> TicketID {
        let text = context.parameters.get("id") ?? ""
        guard let id = TicketID(text) else { throw TicketError.noSuchTicket(text) }
        return id
    }

    /// The booking and its event, if the token's identity may see it; `404` otherwise (for a ticket: the ticket's).
    private func owned(_ id: BookingID, _ context: BoxofficeRequestContext, ticket: TicketID? = nil) async throws -> (Booking, Event) {
        let principal = try context.requirePrincipal()
        let booking: Booking
        do {
            booking = try await engine.booking(id)
        } catch DomainError.bookingNotFound {
            throw ticket.map { TicketError.noSuchTicket($0.description) } ?? DomainError.bookingNotFound(id)
        }
        guard principal.mayAct(for: booking.userIdentifier) else {
            throw ticket.map { TicketError.noSuchTicket($0.description) } ?? DomainError.bookingNotFound(id)
        }
        return (booking, try engine.engine(for: booking.eventID).snapshot.event)
    }

    /// Who a ticket is for: the email of the booking's owner, or "Guest".
    private func holder(of booking: Booking) async throws -> String {
        guard let id = UUID(uuidString: booking.userIdentifier), let identity = try await tickets.identities.identity(id: id) else { return "Guest" }
        return identity.email ?? "Guest"
    }
}
