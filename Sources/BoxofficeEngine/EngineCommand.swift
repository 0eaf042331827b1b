import BoxofficeDomain
import Foundation

/// How a hold is answered: with the booking once it is durable, or with why not.
public typealias HoldReply = @Sendable (Result<Booking, any Error>) -> Void

/// A request waiting in an event engine's queue for the next batch.
enum EngineCommand {
    /// Hold inventory for a new booking; answered with the booking once it is durable. `retried`: a best-available
    /// hold decided again after the database refused its first choice.
    case hold(HoldRequest, HoldReply, retried: Bool = false)
    /// End an unpaid hold at the customer's wish; answered with whether this call ended it.
    case release(BookingID, CheckedContinuation<Bool, any Error>)
    /// End every hold whose time ran out; answered with how many ended.
    case expireDue(CheckedContinuation<Int, any Error>)
    /// Move a held booking to payment and write the payment request; answered with whether it moved.
    case requestPayment(Booking, KeyClaim?, CheckedContinuation<Bool, any Error>)
    /// Confirm or cancel a booking waiting for its payment; answered with what happened.
    case settle(BookingID, confirmed: Bool, message: UUID, CheckedContinuation<SettleOutcome, any Error>)
    /// Take into memory a hold a writer outside the engine already committed; answered once the snapshot shows it.
    case recordCommitted(Booking, CheckedContinuation<Void, any Error>)
    /// Read the state again from the database, because another process changed it.
    case refresh
    /// Read the state again from the database, because another process inserted claims (see ``EventEngine/followNewClaims()``).
    case follow
    /// Run a write of the event's own between two batches, read the state again, then call what the write returned (its
    /// answer to its caller).
    case exclusive(@Sendable () async -> @Sendable () -> Void)
}

/// What settling a payment's outcome did.
public enum SettleOutcome: Sendable, Equatable {
    /// The booking is now confirmed or cancelled.
    case settled
    /// The booking was not waiting for a payment in memory.
    case notPending
    /// The database did not take it: the message was a repeat, or another process settled it first.
    case notApplied
}

/// One decision of a batch: the change to write, how to take it back in memory if the database does not take
/// it, and the customer told of the booking's new status if it does.
struct Decision {
    let change: InventoryChange
    let undo: UndoStep
    let customer: String

    /// Whether this decision is a new booking (a hold, or a buy) of one seat and no tickets: one the database refuses
    /// only for a claim made elsewhere, and whose refusal names that seat without a re-read.
    var isSingleSeatHold: Bool {
        guard let booking = change.newBooking else { return false }
        return booking.seatIDs.count == 1 && booking.tickets.isEmpty
    }

    /// The booking status change this decision makes, once written.
    func statusChange(in event: EventID) -> BookingStatusChange {
        BookingStatusChange(bookingID: change.bookingID, eventID: event, customer: customer, status: change.status)
    }
}

/// How to take back one decision of a batch in memory, when the database did not take it.
enum UndoStep {
    /// A new hold: end it.
    case held(BookingID)
    /// An ended hold: restore it.
    case ended(ActiveHold)
    /// A new booking bought (held and its payment started at once): back to waiting for payment, then ended.
    case bought(ActiveHold)
    /// A payment started: back to holding.
    case paymentStarted(ActiveHold)
    /// A payment settled: back to waiting.
    case settled(ActiveHold, confirmed: Bool)
}

/// How to answer a command once its batch is written.
enum EngineReply {
    /// A hold refused in memory; told only once the batch it was decided against is durable.
    case refused(any Error, HoldReply)
    /// A hold decided in memory, waiting for its row; `changeIndex` points at its decision. `retry`: a best-available
    /// request to decide once more, on the state read again, should the database refuse its seats; `chosen`: whether
    /// the engine chose the seats (best available).
    case hold(Booking, changeIndex: Int, HoldReply, retry: HoldRequest?, chosen: Bool)
    /// A release decided in memory.
    case release(changeIndex: Int, CheckedContinuation<Bool, any Error>)
    /// A sweep that produced the changes in `changeIndexes`.
    case expireDue(changeIndexes: Range<Int>, CheckedContinuation<Int, any Error>)
    /// A payment started in memory.
    case payment(changeIndex: Int, CheckedContinuation<Bool, any Error>)
    /// A payment outcome settled in memory.
    case settle(changeIndex: Int, CheckedContinuation<SettleOutcome, any Error>)
}

extension EngineReply {
    /// Answers the waiting caller with an error: the batch it waited for was not written.
    func fail(with error: any Error) {
        switch self {
        case .refused(_, let reply): reply(.failure(error))
        case .hold(_, _, let reply, _, _): reply(.failure(error))
        case .release(_, let continuation): continuation.resume(throwing: error)
        case .expireDue(_, let continuation): continuation.resume(throwing: error)
        case .payment(_, let continuation): continuation.resume(throwing: error)
        case .settle(_, let continuation): continuation.resume(throwing: error)
        }
    }
}
