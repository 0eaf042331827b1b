import BoxofficeBackOffice
import Foundation
import Hummingbird

extension Problem {
    /// The problem for a refund refusal.
    init(_ error: RefundError) {
        switch error {
        case .noSuchBooking, .noSuchTicket:
            self.init(.notFound, type: "not-found", detail: error.detail)
        case .notRefundable:
            self.init(.conflict, type: "not-refundable", detail: error.detail)
        case .alreadyRefunded:
            self.init(.conflict, type: "already-refunded", detail: error.detail)
        case .checkedIn:
            self.init(.conflict, type: "checked-in", detail: error.detail)
        case .cancellationClosed:
            self.init(.conflict, type: "cancellation-closed", detail: error.detail)
        case .nothingToRefund:
            self.init(.unprocessableContent, type: "invalid-request", detail: error.detail)
        }
    }
}
