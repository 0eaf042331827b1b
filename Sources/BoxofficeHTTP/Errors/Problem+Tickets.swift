import BoxofficeDomain
import BoxofficeTickets
import Foundation
import Hummingbird

extension Problem {
    /// The problem for a ticket refusal.
    init(_ error: TicketError) {
        switch error {
        case .notIssued(let booking, let status):
            self.init(
                .conflict, type: "tickets-not-issued",
                detail: "Booking \(booking) is \(status.rawValue.replacingOccurrences(of: "_", with: " ")): tickets come once it is paid and confirmed."
            )
        case .noSuchTicket(let id):
            self.init(.notFound, type: "not-found", detail: "There is no ticket with id \(id).")
        case .revoked(let id):
            self.init(.conflict, type: "ticket-revoked", detail: "Ticket \(id) no longer admits (it was refunded), so it gets no new code.")
        }
    }
}
