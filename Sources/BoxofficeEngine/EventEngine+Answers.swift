import BoxofficeDomain

extension EventEngine {
    /// Answers every request of a committed batch: what was applied, what the database refused and why, and the
    /// best-available holds that lost a claim to another process and choose once more.
    ///
    /// - Parameter refusals: why the database refused what it refused (a customer's cap, a lost key claim).
    func answer(_ replies: [EngineReply], applied: [Bool], refusals: BatchResult) {
        for reply in replies {
            switch reply {
            case .refused(let error, let reply):
                count(error)
                reply(.failure(error))
            case .hold(_, let index, let reply, _, _) where refusals.lostKeyClaims.contains(index):
                reply(.failure(DomainError.keyClaimLost))
            case .hold(_, let index, let reply, let retry?, _) where !applied[index] && !refusals.overCap.contains(index):
                // Another process claimed a seat memory chose: choose again once, on the state read again.
                needsReload = true
                submit(.hold(retry, reply, retried: true))
            case .hold(_, let index, let reply, nil, true) where !applied[index] && !refusals.overCap.contains(index):
                // Chosen twice, and lost twice to other processes: the buyer never chose these seats; say so.
                let refusal = DomainError.notEnoughSeats("The seats chosen for you were taken by another sale at the same moment, twice; try again.")
                count(refusal)
                reply(.failure(refusal))
            case .hold(let booking, let index, let reply, _, _):
                guard applied[index] else {
                    let refusal = conflict(for: booking, overCap: refusals.overCap.contains(index))
                    count(refusal)
                    reply(.failure(refusal))
                    continue
                }
                reply(.success(booking))
            case .payment(let index, let continuation) where refusals.lostKeyClaims.contains(index):
                continuation.resume(throwing: DomainError.keyClaimLost)
            case .release(let index, let continuation):
                continuation.resume(returning: applied[index])
            case .expireDue(let indexes, let continuation):
                continuation.resume(returning: indexes.filter { applied[$0] }.count)
            case .payment(let index, let continuation):
                continuation.resume(returning: applied[index])
            case .settle(let index, let continuation):
                continuation.resume(returning: applied[index] ? .settled : .notApplied)
            }
        }
    }

    /// The refusal for a hold the database rejected: the customer's cap when the database counted the customer over
    /// it (another process's holds of the same customer count there), else what the reloaded state shows as taken.
    private func conflict(for booking: Booking, overCap: Bool) -> DomainError {
        if overCap, let cap = event.details.maxTicketsPerCustomer {
            // Memory may not know the other processes' holds of this customer; the database counted more than this.
            return .customerCapReached(cap: cap, holding: max(state.holdings[booking.userIdentifier, default: 0], cap - booking.ticketCount + 1), asked: booking.ticketCount)
        }
        let taken = booking.seatIDs.filter { seat in event.seatIndex(of: seat).map { state.seats[$0] != .available } ?? true }
        if !taken.isEmpty || booking.tickets.isEmpty { return .seatsTaken(taken.isEmpty ? booking.seatIDs : taken) }
        let pool = booking.tickets[0].poolID
        return .poolSoldOut(pool, remaining: state.pools[pool]?.available ?? 0)
    }
}
