import BoxofficeDomain
import Foundation

/// A ticket as its holder sees it: with its current secret, whether it still admits, and its check-in.
public struct IssuedTicket: Sendable {
    /// The ticket.
    public var ticket: Ticket
    /// Its secret's version.
    public var version: Int
    /// The secret to show as a QR code; nil once revoked.
    public var secret: String?
    /// Its first check-in, once let in.
    public var checkin: CheckinRecord?

    /// Whether it no longer admits.
    public var isRevoked: Bool { secret == nil }
}

/// Why tickets cannot be shown.
public enum TicketError: Error, Equatable, Sendable {
    /// The booking has no tickets: it is not (or was never) paid.
    case notIssued(BookingID, BookingStatus)
    /// No such ticket.
    case noSuchTicket(String)
    /// The ticket no longer admits, so it gets no new secret.
    case revoked(TicketID)
}

/// Issues a confirmed booking's tickets with their signed secrets, and gives a ticket a new secret.
public struct TicketOffice: Sendable {
    private let store: any TicketStore
    private let keyring: TicketKeyring

    /// An office over a store, signing with `keyring`'s keys.
    public init(store: any TicketStore, keyring: TicketKeyring) {
        self.store = store
        self.keyring = keyring
    }

    /// A booking's tickets: signed while it is confirmed, revoked once refunded (whole or the ticket alone).
    /// - Throws: ``TicketError/notIssued(_:_:)`` for a booking never paid.
    public func tickets(of booking: Booking, in event: Event, now: Date) async throws -> [IssuedTicket] {
        // A refunded booking lists its tickets as revoked, and a confirmed one its refunded tickets.
        guard booking.status == .confirmed || booking.status == .refunded else {
            throw TicketError.notIssued(booking.id, booking.status)
        }
        let tickets = Ticket.tickets(of: booking, in: event)
        let (versions, checkins, refunded) = try await store.ticketStates(tickets.map(\.id))
        let key = try await keyring.privateKey(of: event.id, now: now)
        return try tickets.map { ticket in
            let version = versions[ticket.id] ?? 1
            let secret = booking.status == .confirmed && !refunded.contains(ticket.id)
                ? try TicketSecret.sign(TicketClaim(eventID: event.id, ticket: ticket.id, place: ticket.place, version: version), with: key) : nil
            return IssuedTicket(ticket: ticket, version: version, secret: secret, checkin: checkins[ticket.id])
        }
    }

    /// One ticket of a booking.
    public func ticket(_ id: TicketID, of booking: Booking, in event: Event, now: Date) async throws -> IssuedTicket {
        guard let ticket = try await tickets(of: booking, in: event, now: now).first(where: { $0.ticket.id == id }) else {
            throw TicketError.noSuchTicket(id.description)
        }
        return ticket
    }

    /// Gives a ticket a new secret (a leaked or lost one): the old secret reads `revoked` at the door from now on.
    public func reissue(_ id: TicketID, of booking: Booking, in event: Event, now: Date) async throws -> IssuedTicket {
        let current = try await ticket(id, of: booking, in: event, now: now)
        guard !current.isRevoked else { throw TicketError.revoked(id) }
        _ = try await store.reissue(id, of: event.id, at: now)
        return try await ticket(id, of: booking, in: event, now: now)
    }
}
