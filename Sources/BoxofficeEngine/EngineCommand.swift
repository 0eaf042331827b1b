import BoxofficeDomain

/// A request waiting in an event engine's queue for the next batch.
enum EngineCommand {
    /// Hold inventory for a new booking; answered with the booking once it is durable.
    case hold(HoldRequest, CheckedContinuation<Booking, any Error>)
    /// End an unpaid hold at the customer's wish; answered with whether this call ended it.
    case release(BookingID, CheckedContinuation<Bool, any Error>)
    /// End every hold whose time ran out; answered with how many ended.
    case expireDue(CheckedContinuation<Int, any Error>)
    /// Read the state again from the database, because another process changed it.
    case refresh
}

/// How to answer a command once its batch is written.
enum EngineReply {
    /// A hold refused in memory; told only once the batch it was decided against is durable.
    case refused(any Error, CheckedContinuation<Booking, any Error>)
    /// A hold decided in memory, waiting for its row; `changeIndex` points at its change.
    case hold(Booking, changeIndex: Int, CheckedContinuation<Booking, any Error>)
    /// A release decided in memory.
    case release(changeIndex: Int, CheckedContinuation<Bool, any Error>)
    /// A sweep that produced the changes in `changeIndexes`.
    case expireDue(changeIndexes: Range<Int>, CheckedContinuation<Int, any Error>)
}
