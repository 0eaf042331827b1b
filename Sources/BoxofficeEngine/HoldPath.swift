import BoxofficeDomain

/// How a hold goes from the HTTP edge to the database. Production has one path, ``BookingEngine``, which decides in
/// memory per event and writes in batches; the benchmarks measure it against other designs that take this place.
public protocol HoldPath: Sendable {
    /// Holds seats and GA tickets of one event for a new booking, all or nothing, answering once it is durable.
    /// - Throws: ``DomainError`` when refused; a storage error when the hold could not be written.
    func hold(_ request: HoldRequest) async throws -> Booking

    /// ``hold(_:)`` for a caller that cannot wait in a task, such as an event loop: `reply` is called once.
    func hold(_ request: HoldRequest, reply: @escaping HoldReply)
}
