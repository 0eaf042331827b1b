import BoxofficeDomain
import Foundation
import Synchronization

/// An in-memory store whose writes can be slowed, failed or contradicted, recording every batch it gets.
final class ScriptedStore: BookingStore {
    struct Script {
        var delay: Duration = .zero
        var failWrites = false
        var refuseSeats: Set<SeatID> = []
    }

    let event: Event
    let script: Mutex<Script>
    private let batches = Mutex<[Int]>([])
    private let bookings = Mutex<[BookingID: Booking]>([:])
    private let reloads = Atomic<Int>(0)
    private let writesStarted = Atomic<Int>(0)

    init(event: Event, script: Script = Script()) {
        self.event = event
        self.script = Mutex(script)
    }

    /// The size of every batch written, in order.
    var batchSizes: [Int] { batches.withLock { $0 } }
    /// How many batch writes have begun.
    var writesBegun: Int { writesStarted.load(ordering: .acquiring) }
    /// How often the engine asked to read the inventory again.
    var reloadCount: Int { reloads.load(ordering: .relaxed) }

    func createEvent(_ draft: EventDraft) async throws -> Event { event }
    func createEventsIfEmpty(_ drafts: [EventDraft]) async throws -> [Event] { [] }
    func updateEvent(_ id: EventID, details: EventDetails) async throws -> Bool { id == event.id }
    func setEventStatus(_ id: EventID, to status: EventStatus) async throws -> Bool { id == event.id }
    func reprice(_ event: Event, _ edit: PriceEdit) async throws -> Event { try edit.applied(to: event, claimed: [], counts: [:]) }
    func editSeatMap(_ id: EventID, _ edit: SeatMapEdit) async throws -> Event { try edit.applied(to: event, claimed: []) }
    func loadInventory(of id: EventID) async throws -> EventInventory? { id == event.id ? try await loadInventory(of: event) : nil }
    func loadInventories() async throws -> [EventInventory] { [EventInventory(newEvent: event)] }
    func eventCount() async throws -> Int { 1 }
    func bookings(ofCustomer customer: String, limit: Int) async throws -> [Booking] {
        Array(bookings.withLock { $0.values }.filter { $0.userIdentifier == customer }.prefix(limit))
    }
    func booking(_ id: BookingID) async throws -> Booking? { bookings.withLock { $0[id] } }
    func resolveUnsettled(_ booking: BookingID, paymentSucceeded: Bool, message: UUID, at: Date) async throws -> RefundDecision { .unknownBooking }
    func recordProcessed(_ message: UUID) async throws -> Bool { true }

    func loadInventory(of event: Event) async throws -> EventInventory {
        reloads.add(1, ordering: .relaxed)
        var seats = [SeatStatus](repeating: .available, count: event.seatMap.seatCount)
        for seat in script.withLock({ $0.refuseSeats }) { seats[event.seatIndex(of: seat)!] = .sold }
        return EventInventory(event: event, seats: seats, pools: EventInventory(newEvent: event).pools, holds: [])
    }

    func requestPaymentsAgain(waitingSince cutoff: Date, at: Date, limit: Int) async throws -> [BookingID] { [] }
    func eventsWithOverdueHolds(before: Date) async throws -> Set<EventID> { [] }
    func removeOrphanClaims() async throws -> Set<EventID> { [] }

    func apply(_ changes: [InventoryChange], event: EventID, customerCap: Int?) async throws -> BatchResult {
        let script = script.withLock { $0 }
        writesStarted.add(1, ordering: .releasing)
        try await Task.sleep(for: script.delay)
        if script.failWrites { throw StoreDown() }
        batches.withLock { $0.append(changes.count) }
        return BatchResult(applied: changes.map { change in
            guard let booking = change.newBooking else { return true }
            guard script.refuseSeats.isDisjoint(with: booking.seatIDs) else { return false }
            bookings.withLock { $0[booking.id] = booking }
            return true
        })
    }
}

/// The error a failing store throws.
struct StoreDown: Error {}
